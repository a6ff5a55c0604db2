/**
 * Which of a frame's reads comes first: the one the gate acts on and the event reports first.
 * Pure, no I/O.
 *
 * Reads of one place on the plate (overlapping boxes, from different passes or cuts) are one
 * read: the most confident stays. Then:
 *  1. plates in full view before plates cut by the edge of the frame (or of the lane's region):
 *     a cut plate's first glyphs are missing, and the grammar fills in a province anyway;
 *  2. decisive reads (confident overall and in every character) before the others;
 *  3. among decisive reads the largest plate first: when two vehicles' plates are both read for
 *     sure, the nearer one (the one at the barrier, its plate wider in the picture) is the one
 *     that matters, whatever a slightly higher confidence says. Undecided reads by confidence.
 */
import type { PlateResult } from './plate-result.js';

export interface RankOptions {
  /** Mean confidence and smallest character probability of a decisive read. */
  confident: number;
  confidentChar: number;
}

function overlap(a: PlateResult['box'], b: PlateResult['box']): number {
  const x = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (x * y) / Math.max(1, Math.min(a.width * a.height, b.width * b.height));
}

/** Most confident first; a read overlapping a better one (same plate or not) is dropped. */
export function mergeResults(results: readonly PlateResult[]): PlateResult[] {
  const sorted = [...results].sort((a, b) => b.confidence - a.confidence);
  const kept: PlateResult[] = [];
  for (const r of sorted) if (!kept.some((k) => overlap(k.box, r.box) > 0.5 || k.plate === r.plate)) kept.push(r);
  return kept;
}

/** The plate's width in the frame: the length of its top edge. */
export function plateWidth(r: Pick<PlateResult, 'quad'>): number {
  const [a, b] = r.quad;
  return a && b ? Math.hypot(b.x - a.x, b.y - a.y) : 0;
}

export function isDecisive(r: Pick<PlateResult, 'confidence' | 'minCharProb'>, o: RankOptions): boolean {
  return r.confidence >= o.confident && r.minCharProb >= o.confidentChar;
}

/** Whether a plate's corners reach past the searched area (the frame, or the lane's region). */
export function cutByEdge(r: Pick<PlateResult, 'quad'>, area: { x: number; y: number; width: number; height: number }): boolean {
  return r.quad.some((p) => p.x < area.x || p.y < area.y || p.x > area.x + area.width || p.y > area.y + area.height);
}

/** Merged reads in the order described in the file comment; `area` is where plates were searched. */
export function rankReads(
  results: readonly PlateResult[],
  o: RankOptions,
  area: { x: number; y: number; width: number; height: number },
): PlateResult[] {
  const tier = (r: PlateResult) => (cutByEdge(r, area) ? 2 : 0) + (isDecisive(r, o) ? 0 : 1);
  return mergeResults(results)
    .map((r) => ({ r, tier: tier(r) }))
    .sort((a, b) => {
      if (a.tier !== b.tier) return a.tier - b.tier;
      if (a.tier % 2 === 0) return plateWidth(b.r) - plateWidth(a.r);
      return b.r.confidence - a.r.confidence;
    })
    .map((x) => x.r);
}
