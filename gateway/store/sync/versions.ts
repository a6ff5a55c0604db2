/**
 * Whether a versioned change from the platform applies: pure, so every ordering is unit-tested.
 *
 * The platform numbers each record's changes (a `version` per resident, vehicle or watchlist
 * entry, chosen by the platform and increasing with each change of that record). The box keeps
 * the last version it applied, live or deleted (a tombstone):
 * - a newer version applies (a delete newer than the live record deletes it; an upsert newer
 *   than a tombstone brings the record back);
 * - the same version again is a replay: nothing changes, the answer says `duplicate`;
 * - an older version is refused as `stale` (it never overwrites a newer state); so is an upsert
 *   at the version of a delete, and a delete at the version of a live record (one version, one
 *   change: the platform must number them differently).
 */
import { z } from 'zod';

export type SyncOp = 'upsert' | 'delete';

/** What the box holds for a record: its version, and whether that version deleted it. */
export interface HeldVersion {
  version: number;
  deleted: boolean;
}

export type SyncOutcome = 'applied' | 'duplicate' | 'stale';

export function judge(held: HeldVersion | undefined, op: SyncOp, version: number): SyncOutcome {
  if (!held || version > held.version) return 'applied';
  if (version < held.version) return 'stale';
  return held.deleted === (op === 'delete') ? 'duplicate' : 'stale';
}

/** The `version` field of every upsert and delete (a JSON number the platform can count in: ms timestamps fit). */
export const versionField = z
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe(
    "The platform's version of this record, increasing with every change of it (e.g. a counter or a ms timestamp). An older version than the box holds is refused as stale; the same version again changes nothing.",
  );

/** What a versioned action answers (besides the record, when applied). */
export interface SyncAnswer {
  outcome: SyncOutcome;
  /** The version the box holds now (the request's when applied). */
  version: number;
  /** Whether the box holds the record as deleted now. */
  deleted: boolean;
}

export function answer(outcome: SyncOutcome, held: HeldVersion | undefined, op: SyncOp, version: number): SyncAnswer {
  if (outcome === 'applied') return { outcome, version, deleted: op === 'delete' };
  const h = held as HeldVersion; // duplicate and stale imply a held version
  return { outcome, version: h.version, deleted: h.deleted };
}
