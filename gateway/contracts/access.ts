import { z } from 'zod';

/** Payloads (`data`) of the events the access and alarms rooms record in the outbox. */
export const accessEventContracts = {
  'access.decision': z
    .strictObject({
      gateId: z.string().describe('Gate the decision is for.'),
      cameraId: z.string().describe('Camera that recognised the person or vehicle.'),
      via: z.enum(['face', 'plate']),
      allow: z.boolean().describe('True when the gate is commanded open.'),
      reason: z.enum(['resident', 'visitor-valid', 'visitor-not-yet-valid', 'visitor-expired', 'unknown', 'denied', 'gate-fault']),
      subjectKind: z.enum(['resident', 'visitor', 'unknown']),
      subjectId: z.string().nullable().describe('Resident or visitor id; null for a stranger.'),
      label: z.string().describe("Plate text, or the resident's name."),
      confidence: z.number().min(0).max(1).describe('Face similarity or plate read confidence.'),
      snapshotId: z.string().nullable().describe('Snapshot of the recognition (fetch with request/snapshots/get).'),
      ts: z.string().describe('ISO 8601 time of the recognition.'),
    })
    .describe(
      'The box decided whether to open a gate for a recognised face or plate (never dropped). The gate\'s acknowledgement follows as gate.command with origin "access".',
    ),
  'alarm.snapshot': z
    .strictObject({
      deviceId: z.string().describe('Alarm post that was pressed.'),
      cameraId: z.string().describe('Camera linked to the post.'),
      snapshotId: z.string().nullable().describe('Picture taken right after the press; null when the camera had no frame.'),
      error: z.string().optional().describe('Why there is no picture.'),
      pressedAt: z.string().describe('ISO 8601 time of the press (matches alarm.raised ts).'),
      ms: z.number().min(0).describe('From the press to the picture being stored.'),
    })
    .describe(
      'The picture for an alarm press, sent right after the never-dropped alarm.raised so the alarm itself is never delayed by JPEG encoding.',
    ),
  'alarm.acknowledged': z
    .strictObject({
      deviceId: z.string(),
      by: z.string().describe('Responder who acknowledged.'),
      note: z.string().optional(),
      pressedAt: z.string().describe('ISO 8601 time of the press being acknowledged.'),
      origin: z.string().describe('platform, console or cli.'),
    })
    .describe('A responder acknowledged an alarm (never dropped); the post is silenced.'),
};
