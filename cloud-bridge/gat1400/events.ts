import { z } from 'zod';
import { defineEvents } from '../../gateway/core/event-spec.js';

/** The GA/T 1400 uplink's events. */
export const gat1400Events = defineEvents({
  'gat1400.rejected': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        eventId: z.string().describe('Outbox id of the face or plate event that was not delivered.'),
        kind: z.string().describe('Its kind (face.recognized, face.unknown, plate.recognized).'),
        recordId: z.string().nullable().describe('FaceID or MotorVehicleID, or null when no record could be built.'),
        reason: z
          .enum(['refused', 'failed', 'malformed', 'invalid_event'])
          .describe(
            'refused: a non-zero StatusCode or an HTTP 4xx for this record; failed: an HTTP 5xx for this record sent alone; malformed: an answer without a readable status for it; invalid_event: the stored event could not be mapped.',
          ),
        httpStatus: z.number().int().nullable().describe('HTTP status of the answer, if any.'),
        statusCode: z.number().int().nullable().describe('GA/T 1400 StatusCode for this record, if any.'),
        message: z.string().describe('One readable line (the platform StatusString or the mapping error).'),
        attempts: z.number().int().min(0).describe('How many times it was sent (0: it could not be built).'),
      })
      .describe(
        'A GA/T 1400 record the platform kept refusing (gat1400.deadLetters.attempts times), or that could not be built, was set aside as a dead letter; the records behind it go on. gat1400/dead-letters lists them, gat1400/dead-letters/replay sends them again.',
      ),
  },
});
