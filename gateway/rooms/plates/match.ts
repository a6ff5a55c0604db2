/**
 * Matching a read plate against known plates: who may open a barrier. Pure, no I/O.
 *
 * A read matches a known plate when it is the same plate, or differs from it only at positions
 * where the difference is no evidence of another car:
 *  - I/1 and O/0 in a serial position (I and O are never issued in serials, so no other real
 *    plate is folded in: that is for plates people typed);
 *  - at most `lookalikes` positions of look-alike glyphs (lookalike.ts: 8/B, 6/G, 5/S, 4/A, 0/D,
 *    1/L) where the READER'S OWN EVIDENCE says the known glyph was its close second: the
 *    recogniser gave it at least `closeSecond` times the probability of the glyph it read
 *    (ctc-decode.ts, PlateDecode.evidence). All of these glyphs are legal in serials, so 粤B12A45
 *    is a real plate, not a misread of 粤B12445: read confidently (A at ≥ 0.75, so 4 at most
 *    0.25) it never opens 粤B12445's barrier. Without evidence (a read given as text alone) only
 *    exact plates and the I/O folds match.
 * Never an inserted, missing or unrelated character, never another province. Known plates are
 * indexed by their look-alike key, so a match is one map lookup. When two known plates are
 * equally close to a read, the read is ambiguous and matches neither.
 *
 * `maxDistance` > 0 (off by default, less safe) also accepts a weighted edit distance: a
 * look-alike substitution costs `lookalikeCost`, any other edit 1; the province must be the same
 * unless `crossProvince`. Every extra tolerated edit lets some other real plate in.
 */
import { provinceOf } from '../../lib/plate-text/grammar.js';
import { isLookalike, lookalikeKey } from '../../lib/plate-text/lookalike.js';
import type { Evidence } from './ctc-decode.js';

export { isLookalike, LOOKALIKE_GROUPS, lookalikeKey } from '../../lib/plate-text/lookalike.js';
export type { Evidence } from './ctc-decode.js';

export interface MatchOptions {
  /** Positions a read may differ from a known plate by look-alike glyphs the reader hesitated over (0: none). */
  lookalikes: number;
  /** The known glyph must have had at least this share of the read glyph's probability at that position. */
  closeSecond: number;
  /** Less safe: largest weighted edit distance of a match beyond look-alikes (0: off). */
  maxDistance: number;
  lookalikeCost: number;
  /** Less safe: with maxDistance, allow the province glyph to differ. */
  crossProvince: boolean;
}

export const MATCH_DEFAULTS: MatchOptions = { lookalikes: 2, closeSecond: 0.5, maxDistance: 0, lookalikeCost: 0.5, crossProvince: false };

/** I and O never stand in a serial (position 2 on): read there they can only be 1 and 0. */
export function isUnissuedFold(a: string, b: string, position: number): boolean {
  if (position < 2) return false;
  const pair = a < b ? a + b : b + a;
  return pair === '1I' || pair === '0O';
}

/**
 * Whether the reader's evidence at a position says `known` was its close second to `read`:
 * a look-alike pair, and P(known) ≥ closeSecond × P(read).
 */
export function closeSecond(at: Readonly<Record<string, number>> | undefined, read: string, known: string, ratio: number): boolean {
  if (!at || !isLookalike(read, known)) return false;
  const p = at[read] ?? 0;
  const q = at[known] ?? 0;
  return p > 0 && q > 0 && q >= ratio * p;
}

/**
 * How a read differs from a known plate of the same look-alike key: the number of positions
 * folded on evidence and in all, or undefined when some difference is not tolerated.
 */
export function tolerated(
  read: string,
  known: string,
  o: Pick<MatchOptions, 'lookalikes' | 'closeSecond'>,
  evidence?: Evidence,
): { evidence: number; all: number } | undefined {
  const x = [...read];
  const y = [...known];
  if (x.length !== y.length || x[0] !== y[0]) return undefined;
  let byEvidence = 0;
  let all = 0;
  for (let i = 1; i < x.length; i++) {
    const a = x[i] as string;
    const b = y[i] as string;
    if (a === b) continue;
    all++;
    if (isUnissuedFold(a, b, i)) continue;
    if (!closeSecond(evidence?.[i], a, b, o.closeSecond)) return undefined;
    if (++byEvidence > o.lookalikes) return undefined;
  }
  return { evidence: byEvidence, all };
}

export function plateDistance(a: string, b: string, lookalikeCost = MATCH_DEFAULTS.lookalikeCost): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const xa = x[i - 1] as string;
      const yb = y[j - 1] as string;
      const sub = xa === yb ? 0 : isLookalike(xa, yb) ? lookalikeCost : 1;
      cur.push(Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + sub));
    }
    prev = cur;
  }
  return prev[y.length] as number;
}

export interface PlateMatch<T> {
  entry: T;
  /** Weighted distance (look-alike substitutions × lookalikeCost, or the edit distance). */
  distance: number;
  /** exact, look-alike glyphs only, or (maxDistance > 0) other edits. */
  kind: 'exact' | 'lookalike' | 'edit';
}

/** Known plates indexed by look-alike key; build once per change of the list. */
export class PlateIndex<T extends { plate: string }> {
  private readonly byKey = new Map<string, T[]>();

  constructor(readonly entries: readonly T[]) {
    for (const e of entries) {
      const k = lookalikeKey(e.plate);
      const list = this.byKey.get(k);
      if (list) list.push(e);
      else this.byKey.set(k, [e]);
    }
  }

  /**
   * The known plate a read matches (see the file comment), among entries `usable` accepts;
   * `evidence` is the reader's per-position evidence for the read (none: exact and I/O only).
   */
  match(
    read: string,
    opts: Partial<MatchOptions> = {},
    usable: (e: T) => boolean = () => true,
    evidence?: Evidence,
  ): PlateMatch<T> | undefined {
    const o = { ...MATCH_DEFAULTS, ...opts };
    let best: T | undefined;
    let bestN = Infinity;
    let tie = false;
    for (const e of this.byKey.get(lookalikeKey(read)) ?? []) {
      if (!usable(e)) continue;
      if (e.plate === read) return { entry: e, distance: 0, kind: 'exact' };
      const n = tolerated(read, e.plate, o, evidence)?.all;
      if (n === undefined) continue;
      if (n < bestN) {
        best = e;
        bestN = n;
        tie = false;
      } else if (n === bestN) tie = true;
    }
    if (best && !tie) return { entry: best, distance: bestN * o.lookalikeCost, kind: 'lookalike' };
    if (tie || o.maxDistance <= 0) return undefined;
    return editMatch(read, this.entries, o, usable);
  }
}

function editMatch<T extends { plate: string }>(
  read: string,
  known: readonly T[],
  o: MatchOptions,
  usable: (e: T) => boolean,
): PlateMatch<T> | undefined {
  let best: PlateMatch<T> | undefined;
  for (const entry of known) {
    if (!usable(entry)) continue;
    if (!o.crossProvince && provinceOf(entry.plate) !== provinceOf(read)) continue;
    const d = plateDistance(read, entry.plate, o.lookalikeCost);
    if (d <= o.maxDistance && (!best || d < best.distance)) best = { entry, distance: d, kind: 'edit' };
  }
  return best;
}

/** One-off match against a list (builds the index; keep a PlateIndex for repeated matching). */
export function matchPlate<T extends { plate: string }>(
  read: string,
  known: readonly T[],
  opts: Partial<MatchOptions> = {},
  evidence?: Evidence,
): PlateMatch<T> | undefined {
  return new PlateIndex(known).match(read, opts, () => true, evidence);
}
