/**
 * Matching a read plate against known plates with a tolerance. Pure, no I/O.
 * Weighted edit distance: a substitution between look-alike glyphs (0/O/D/Q, 1/I/7, 8/B, 2/Z,
 * 5/S, 6/G, 4/A...) costs `lookalikeCost`, any other edit costs 1. The province character must be
 * identical unless `crossProvince` is set: a tolerance never turns a 粤 plate into a 湘 one.
 */
import { provinceOf } from './grammar.js';

export const LOOKALIKE_GROUPS: readonly string[] = ['0ODQ', '1I7T', '8B', '2Z', '5S', '6G', '4A', 'UV', 'CG', 'HN', 'MW', 'EF', 'KX'];

const PAIRS = new Set<string>();
for (const g of LOOKALIKE_GROUPS) for (const a of g) for (const b of g) if (a !== b) PAIRS.add(a + b);

export function isLookalike(a: string, b: string): boolean {
  return PAIRS.has(a + b);
}

export interface MatchOptions {
  maxDistance: number;
  lookalikeCost: number;
  crossProvince: boolean;
}

export const MATCH_DEFAULTS: MatchOptions = { maxDistance: 1, lookalikeCost: 0.5, crossProvince: false };

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
  distance: number;
}

/** The closest known plate within the tolerance (exact matches first), or undefined. */
export function matchPlate<T extends { plate: string }>(
  read: string,
  known: readonly T[],
  opts: Partial<MatchOptions> = {},
): PlateMatch<T> | undefined {
  const o = { ...MATCH_DEFAULTS, ...opts };
  let best: PlateMatch<T> | undefined;
  for (const entry of known) {
    if (entry.plate === read) return { entry, distance: 0 };
    if (!o.crossProvince && provinceOf(entry.plate) !== provinceOf(read)) continue;
    const d = plateDistance(read, entry.plate, o.lookalikeCost);
    if (d <= o.maxDistance && (!best || d < best.distance)) best = { entry, distance: d };
  }
  return best;
}
