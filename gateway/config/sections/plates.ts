import { z } from 'zod';
import { PROVINCES } from '../../lib/plate-text/grammar.js';

// Owned by the plates room (gateway/rooms/plates).

export const platesSection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(false)
      .describe('Run licence plate recognition on camera frames (the demo turns it on for camera demo-lane unless set here).'),
    cameras: z
      .array(z.string())
      .default([])
      .describe('Camera ids whose frames are searched for plates (in cameras.list[].regions.plates); empty means every camera.'),
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
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.6)
      .describe(
        'Reads whose confidence (geometric mean of the character probabilities) is lower are ignored. Text that is not a plate stays under 0.1 (690 photos without plates, scripts/plates/false-reads.ts); below 0.6 most reads of real plates have a wrong character.',
      ),
    provincePrior: z
      .strictObject({
        province: z
          .string()
          .refine((p) => p.length === 1 && PROVINCES.includes(p), { message: `one of the 31 province characters ${PROVINCES}` })
          .describe('The local province character, e.g. 粤.'),
        weight: z
          .number()
          .min(1)
          .max(100)
          .default(10)
          .describe('The local province is read unless another province is more than this many times as probable.'),
      })
      .optional()
      .describe(
        "The gate's local province, preferred when the recogniser hesitates over the province glyph (as barrier cameras offer). None by default: every figure in models/README.md is measured without it.",
      ),
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
        early: z
          .strictObject({
            enabled: z
              .boolean()
              .default(true)
              .describe(
                'Report a known vehicle before minReads: on one very confident read of its exact plate, or on two decisive reads of its plate or a look-alike (never an edit-distance match). The barrier opens a frame earlier; the vehicle is still read up to minReads, and a different consensus is reported as a correction.',
              ),
            minConfidence: z
              .number()
              .min(0.5)
              .max(1)
              .default(0.97)
              .describe('Mean character probability of a single read that reports a known vehicle at once.'),
            minCharConfidence: z.number().min(0.5).max(1).default(0.9).describe('Probability of its least sure character.'),
          })
          .prefault({})
          .describe('Early reports for known vehicles.'),
      })
      .prefault({})
      .describe('Combining reads of one vehicle across frames.'),
    match: z
      .strictObject({
        lookalikes: z
          .number()
          .int()
          .min(0)
          .max(4)
          .default(2)
          .describe(
            "Positions where a read may differ from a known plate by a look-alike glyph (8/B, 6/G, 5/S, 4/A, 0/D, 1/L) and still match it, only where the recogniser's own evidence shows the known glyph as its close second (closeSecond); a confidently read different plate (粤B12A45 for 粤B12445) never matches. I/1 and O/0 in serials always fold (never issued). 0: exact plates only. Never an inserted, missing or other character, never another province.",
          ),
        closeSecond: z
          .number()
          .min(0.2)
          .max(1)
          .default(0.5)
          .describe(
            'A look-alike position is tolerated only when the recogniser gave the known glyph at least this share of the probability of the glyph it read there (bench -- plate-match reports what it recovers and lets in).',
          ),
        maxDistance: z
          .number()
          .min(0)
          .max(3)
          .default(0)
          .describe(
            'LESS SAFE, off by default: also match a known plate within this weighted edit distance (a look-alike substitution costs lookalikeCost, any other edit 1). At 1, 粤B12346 opens the barrier of 粤B12345.',
          ),
        lookalikeCost: z.number().min(0).max(1).default(0.5).describe('With maxDistance: the cost of a look-alike substitution.'),
        crossProvince: z
          .boolean()
          .default(false)
          .describe('LESS SAFE: with maxDistance, allow the province character to differ (off: a 粤 plate never matches a 湘 one).'),
      })
      .prefault({})
      .describe('Matching reads against known vehicles (who may open a barrier).'),
    snapshots: z
      .boolean()
      .default(true)
      .describe('Save the scene and the plate crop as JPEG under dataDir/snapshots for each reported plate.'),
  })
  .prefault({})
  .describe('Licence plate recognition.');

export type PlatesConfig = z.output<typeof platesSection>;
