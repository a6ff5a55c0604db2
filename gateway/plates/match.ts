/**
 * Matching a read plate against known plates: who may open a barrier. Pure, no I/O.
 *
 * By default a read matches a known plate only when it is the same plate, or differs from it by
 * at most `lookalikes` look-alike glyphs (lookalike.ts: 0/O/D, 8/B, 6/G...) in the same province:
 * never by an inserted, missing or unrelated character, so 粤B12346 does not open 粤B12345's
 * barrier. Known plates are indexed by their look-alike key, so a match is one map lookup. When
 * two known plates are equally close look-alikes of a read, the read is ambiguous and matches
 * neither.
 *
 * `maxDistance` > 0 (off by default, less safe) also accepts a weighted edit distance: a
 * look-alike substitution costs `lookalikeCost`, any other edit 1; the province must be the same
 * unless `crossProvince`. Every extra tolerated edit lets some other real plate in.
 */
import { provinceOf } from './grammar.js';
import { isLookalike, lookalikeKey, lookalikeSubstitutions } from './lookalike.js';

export { isLookalike, LOOKALIKE_GROUPS, lookalikeKey } from './lookalike.js';

export interface MatchOptions {
  /** Look-alike substitutions a match may have (0: exact plates only). */
  lookalikes: number;
  /** Less safe: largest weighted edit distance of a match beyond look-alikes (0: off). */
  maxDistance: number;
  lookalikeCost: number;
  /** Less safe: with maxDistance, allow the province glyph to differ. */
  crossProvince: boolean;
}

export const MATCH_DEFAULTS: MatchOptions = { lookalikes: 2, maxDistance: 0, lookalikeCost: 0.5, crossProvince: false };

/** Weighted Levenshtein distance between two plates (by Unicode character). */
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

  /** The known plate a read matches (see the file comment), among entries `usable` accepts. */
  match(read: string, opts: Partial<MatchOptions> = {}, usable: (e: T) => boolean = () => true): PlateMatch<T> | undefined {
    const o = { ...MATCH_DEFAULTS, ...opts };
    let best: T | undefined;
    let bestN = Infinity;
    let tie = false;
    for (const e of this.byKey.get(lookalikeKey(read)) ?? []) {
      if (!usable(e)) continue;
      if (e.plate === read) return { entry: e, distance: 0, kind: 'exact' };
      const n = lookalikeSubstitutions(read, e.plate);
      if (n > o.lookalikes) continue;
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
): PlateMatch<T> | undefined {
  return new PlateIndex(known).match(read, opts);
}
