import { z } from 'zod';

// Owned by the plates room (gateway/plates).

const roi = z
  .tuple([z.number().min(0).max(1), z.number().min(0).max(1), z.number().gt(0).max(1), z.number().gt(0).max(1)])
  .describe('[x, y, width, height] as fractions of the frame (0..1), origin top left.');

export const platesSection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Run licence plate recognition on camera frames (the demo turns it on for camera demo-lane unless set here).'),
    cameras: z.array(z.string()).default([]).describe('Camera ids whose frames are searched for plates; empty means every camera.'),
    roi: z
      .record(z.string(), roi)
      .default({})
      .describe('Per camera id, the part of the frame where plates are searched (the gate lane); absent means the whole frame.'),
    longSide: z
      .number()
      .int()
      .min(320)
      .max(2048)
      .default(960)
      .describe('Long side (pixels) the detector sees on its full pass; 960 beat 640 and 1280 on the dev set.'),
    fastLongSide: z
      .number()
      .int()
      .min(0)
      .max(2048)
      .default(640)
      .describe('Long side of a cheaper first pass; the full pass runs only when it read no confident plate. 0 disables it.'),
    minConfidence: z.number().min(0).max(1).default(0.75).describe('Reads with a lower mean character probability are ignored.'),
    consensus: z
      .strictObject({
        minReads: z
          .number()
          .int()
          .min(1)
          .max(20)
          .default(2)
          .describe(
            'Reads of one tracked vehicle needed before its plate is reported (a single read is reported when the vehicle leaves).',
          ),
        maxReads: z
          .number()
          .int()
          .min(1)
          .max(50)
          .default(5)
          .describe('After this many reads a vehicle is not read again while it stands still (the picture at its plate unchanged).'),
        trackTimeoutMs: z
          .number()
          .int()
          .min(500)
          .max(600_000)
          .default(5000)
          .describe('A vehicle not seen for this long has left; its track closes.'),
        stationaryRecheckMs: z
          .number()
          .int()
          .min(1000)
          .max(3_600_000)
          .default(60_000)
          .describe(
            'How often a vehicle standing still is read again once its plate is settled. When the picture at its plate changes (it drives off, the next car moves up), it is read at once.',
          ),
      })
      .prefault({})
      .describe('Combining reads of one vehicle across frames.'),
    match: z
      .strictObject({
        maxDistance: z
          .number()
          .min(0)
          .max(3)
          .default(1)
          .describe(
            'Largest edit distance between a read and a known plate that still matches (a look-alike substitution costs lookalikeCost).',
          ),
        lookalikeCost: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe('Cost of substituting look-alike characters (0/O/D, 1/I, 8/B, 2/Z, 5/S...).'),
        crossProvince: z
          .boolean()
          .default(false)
          .describe('Allow a match whose province character differs (off: a 粤 plate never matches a 湘 one).'),
      })
      .prefault({})
      .describe('Matching reads against known vehicles.'),
    snapshots: z
      .boolean()
      .default(true)
      .describe('Save the scene and the plate crop as JPEG under dataDir/snapshots for each reported plate.'),
  })
  .prefault({})
  .describe('Licence plate recognition.');

export type PlatesConfig = z.output<typeof platesSection>;
