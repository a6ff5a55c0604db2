import { z } from 'zod';

// Owned by the alarms room (gateway/rooms/alarms).
export const alarmsSection = z
  .strictObject({
    escalateAfterS: z
      .number()
      .min(5)
      .max(3600)
      .default(60)
      .describe(
        "An alarm nobody acknowledged within this many seconds escalates: published again as alarm.escalated (severity high), the post's siren and strobe on.",
      ),
    keepResolvedDays: z
      .number()
      .min(1)
      .max(3650)
      .default(180)
      .describe('Resolved alarms (who acknowledged and resolved them, when, notes) are kept this long, then deleted.'),
  })
  .describe('Alarm life cycle: raised, acknowledged, resolved; escalation when nobody answers.');
