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
          .enum(['refused', 'invalid-event'])
          .describe(
            'refused: the platform answered 4xx or a StatusCode for invalid content; invalid-event: the stored event could not be mapped.',
          ),
        httpStatus: z.number().int().nullable().describe('HTTP status of the answer, if any.'),
        statusCode: z.number().int().nullable().describe('GA/T 1400 StatusCode for this record, if any.'),
        message: z.string().describe('One readable line (the platform StatusString or the mapping error).'),
      })
      .describe(
        'The GA/T 1400 platform refused a record as malformed (or it could not be built): logged, reported here and skipped, never retried.',
      ),
  },
});
