import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

const plate = z.string().min(7).max(8).describe('Plate as read, normalised: no separator dot, suffix kept (粤BD12345, 皖Q0686学).');
const colour = z.enum(['blue', 'yellow', 'green', 'white', 'black']).describe('Plate background colour.');
const box = z
  .strictObject({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() })
  .describe('Plate box in frame pixels.');

/** The plates room's events: plates read at cameras, and changes to the known vehicles. */
export const plateEvents = defineEvents({
  'plate.recognized': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        cameraId: z.string().describe('Camera id from the config.'),
        plate,
        colour,
        confidence: z.number().min(0).max(1).describe('Mean character probability of the consensus read.'),
        reads: z.number().int().min(1).describe('How many frames agreed on this plate.'),
        box,
        known: z.boolean().describe('Whether the plate matched a known vehicle.'),
        vehicle: z
          .strictObject({
            plate: z.string().describe('The known plate it matched (may differ from the read by look-alike characters).'),
            ownerId: z.string(),
            kind: z.enum(['resident', 'visitor']),
            validUntil: z.string().nullable().describe('ISO 8601 end of validity (visitors), null for residents.'),
            distance: z
              .number()
              .min(0)
              .describe(
                'How far the read is from the known plate: 0 exact, plates.match.lookalikeCost (0.5) per look-alike glyph; an edit distance only where plates.match.maxDistance allows one.',
              ),
          })
          .nullable()
          .describe('The matched known vehicle, or null for an unknown vehicle.'),
        snapshotId: z.string().nullable().describe('Id of the scene snapshot (JPEG), if saved.'),
        cropId: z
          .string()
          .nullable()
          .describe('Snapshot id whose crop is the plate (fetch with request/snapshots/get {id, crop: true}), if saved.'),
        at: z.string().describe('ISO 8601 time of the best frame.'),
        firstSeen: z.string().describe('ISO 8601 time of the first frame the plate was read in (the vehicle arrived).'),
      })
      .describe('A vehicle plate was read at a camera (known or unknown vehicle).'),
  },
  'vehicle.added': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        plate,
        ownerId: z.string(),
        kind: z.enum(['resident', 'visitor']),
        validFrom: z.string().nullable(),
        validUntil: z.string().nullable(),
      })
      .describe('A known vehicle was added or updated on this gateway.'),
  },
  'vehicle.removed': {
    priority: 'normal',
    published: true,
    schema: z.strictObject({ plate }).describe('A known vehicle was removed from this gateway.'),
  },
});

export type PlateRecognized = z.output<(typeof plateEvents)['plate.recognized']['schema']>;
