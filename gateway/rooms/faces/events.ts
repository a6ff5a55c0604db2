import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

const box = z
  .strictObject({ x1: z.number(), y1: z.number(), x2: z.number(), y2: z.number() })
  .describe('Face box in frame pixels (top left x1,y1; bottom right x2,y2).');

const common = {
  cameraId: z.string().describe('Camera id from the config.'),
  trackId: z.number().int().describe('Per-camera track number (one person passing in front of the camera).'),
  frames: z.number().int().min(1).describe('Usable frames the decision is based on.'),
  snapshotId: z.string().nullable().describe('Id of the JPEG face crop (snapshots folder), or null if it could not be saved.'),
  box,
  firstSeen: z.string().describe('ISO 8601 time the track started.'),
};

/** The faces room's events: one decision per tracked face (the access room acts on both). */
export const faceEvents = defineEvents({
  'face.recognized': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        ...common,
        residentId: z.string().describe('Resident id.'),
        name: z.string().describe('Resident name.'),
        similarity: z.number().min(-1).max(1).describe('Mean cosine similarity over the frames that named this resident.'),
        threshold: z.number().describe('Known-face threshold in force.'),
        // Defaults: events recorded before visitors existed (still in an outbox after an upgrade) read as residents'.
        kind: z
          .enum(['resident', 'visitor'])
          .default('resident')
          .describe('A resident, or a visitor enrolled with a pass (the access decision checks its window).'),
        hostId: z.string().nullable().default(null).describe('Visitors: the resident they visit; null for residents.'),
        validFrom: z.string().nullable().default(null).describe('Visitors: ISO 8601 start of the pass (null: valid from enrolment).'),
        validUntil: z.string().nullable().default(null).describe('Visitors: ISO 8601 end of the pass; null for residents.'),
      })
      .describe('A tracked face was recognised as an enrolled resident or visitor.'),
  },
  'face.unknown': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        ...common,
        reason: z
          .enum(['below_unknown_threshold', 'undecided'])
          .describe('below_unknown_threshold: like nobody enrolled; undecided: the track ended between the two thresholds.'),
        similarity: z.number().min(-1).max(1).describe('Best similarity to any resident over the frames.'),
        bestResidentId: z.string().nullable().describe('Closest resident (for audit; NOT an identification).'),
      })
      .describe('A tracked face matched no resident.'),
  },
  'visitor.erased': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        residentId: z.string().describe('The visitor id (as enrolled with residents/add or residents/upsert).'),
        hostId: z.string().nullable().describe('The resident they visited.'),
        validUntil: z.string().describe('ISO 8601 end of the pass.'),
        templates: z.number().int().min(0).describe('Face templates erased.'),
        retentionHours: z.number().describe('faces.visitors.retentionHours in force.'),
      })
      .describe(
        "A visitor's pass ended faces.visitors.retentionHours ago: their face templates and record were erased from the box for good (no name is sent).",
      ),
  },
});
