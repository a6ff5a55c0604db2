/**
 * Who a person enrolled by face is: a resident, or a visitor with a pass (a validity window and
 * the resident they visit). Pure: the input fields of residents/add and residents/upsert, and
 * the checks that turn them into a Pass or a readable refusal.
 */
import { z } from 'zod';

export type PersonKind = 'resident' | 'visitor';

/** Stored with the person; times are ISO 8601 UTC. Residents have no window and no host. */
export interface Pass {
  kind: PersonKind;
  validFrom: string | null;
  validUntil: string | null;
  hostId: string | null;
}

export const RESIDENT_PASS: Pass = { kind: 'resident', validFrom: null, validUntil: null, hostId: null };

const isoTime = z.iso.datetime({ offset: true });

/** The fields residents/add and residents/upsert accept beside id, name and photos. */
export const passInput = {
  kind: z.enum(['resident', 'visitor']).optional().describe('resident (default) or visitor: a visitor needs validUntil and hostId.'),
  validFrom: isoTime.optional().describe('Visitors: start of the pass, ISO 8601 with zone (default: at once).'),
  validUntil: isoTime.optional().describe('Visitors: end of the pass, ISO 8601 with zone, e.g. 2026-11-24T18:00:00+08:00.'),
  hostId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('Visitors: the resident they visit (an id on the platform; need not be enrolled on this box).'),
};

export interface PassFields {
  kind?: PersonKind | undefined;
  validFrom?: string | undefined;
  validUntil?: string | undefined;
  hostId?: string | undefined;
}

export class PassError extends Error {}

/**
 * The pass the fields describe, or a PassError naming what is wrong. `isNew`: a person not on
 * the box yet (a visitor whose pass already ended is not enrolled: there is nothing to let in).
 */
export function passOf(f: PassFields, opts: { isNew: boolean; now?: Date }): Pass {
  const kind = f.kind ?? 'resident';
  if (kind === 'resident') {
    const extra = (['validFrom', 'validUntil', 'hostId'] as const).filter((k) => f[k] !== undefined);
    if (extra.length) throw new PassError(`${extra.join(', ')}: only visitors have a pass window and a host (set kind: "visitor")`);
    return RESIDENT_PASS;
  }
  if (!f.validUntil) throw new PassError('a visitor needs validUntil (the end of the pass)');
  if (!f.hostId) throw new PassError('a visitor needs hostId (the resident they visit)');
  const validUntil = new Date(f.validUntil).toISOString();
  const validFrom = f.validFrom ? new Date(f.validFrom).toISOString() : null;
  if (validFrom && validFrom >= validUntil) throw new PassError('validFrom must be before validUntil');
  const now = (opts.now ?? new Date()).toISOString();
  if (opts.isNew && validUntil <= now) throw new PassError(`the pass already ended (validUntil ${validUntil}): nothing to enrol`);
  return { kind, validFrom, validUntil, hostId: f.hostId };
}

/** Where a pass stands at `t`: the same half-open window [validFrom, validUntil) as the access policy. */
export function passState(p: Pass, t: Date): 'resident' | 'not_yet_valid' | 'valid' | 'expired' {
  if (p.kind === 'resident') return 'resident';
  const iso = t.toISOString();
  if (p.validFrom && iso < p.validFrom) return 'not_yet_valid';
  if (p.validUntil && iso >= p.validUntil) return 'expired';
  return 'valid';
}
