import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

/** The access room's events: one decision per passage at a gate. */
export const accessEvents = defineEvents({
  'access.decision': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        gateId: z.string().describe('Gate the decision is for.'),
        cameraId: z.string().describe('Camera that recognised the person or vehicle.'),
        via: z.enum(['face', 'plate']),
        allow: z.boolean().describe('True when the gate is commanded open.'),
        reason: z
          .enum([
            'resident',
            'visitor_valid',
            'visitor_not_yet_valid',
            'visitor_expired',
            'unknown',
            'denied',
            'gate_fault',
            'not_in_group',
            'outside_schedule',
          ])
          .describe(
            'Why: not_in_group = no access group of this person names this gate (or their visitor pass does not); outside_schedule = their groups name it, but none is open now.',
          ),
        subjectKind: z.enum(['resident', 'visitor', 'unknown']),
        subjectId: z.string().nullable().describe('Resident or visitor id; null for a stranger.'),
        label: z.string().describe("Plate text, or the resident's name."),
        confidence: z.number().min(0).max(1).describe('Face similarity or plate read confidence.'),
        frames: z.number().int().min(0).optional().describe('Faces: how many frames of the passage the recognition combined.'),
        snapshotId: z.string().nullable().describe('Snapshot of the recognition (fetch with request/snapshots/get).'),
        ts: z.string().describe('ISO 8601 time of the recognition.'),
      })
      .describe(
        'The box decided whether to open a gate for a recognised face or plate (never dropped). The gate\'s acknowledgement follows as gate.command with origin "access".',
      ),
  },
});
