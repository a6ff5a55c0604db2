/**
 * Cohort score normalisation for open-set 1:N search, as measured by faces-levers.ts (not used by
 * the daemon: it did not help, see models/README.md, "At community scale"). Pure.
 *
 * A probe's raw cosine to gallery entry c is judged against cohorts the box has without new data:
 *   - the probe's own cohort: the mean of its `k` best scores to the other entries (a probe that is
 *     close to many residents, a "hub", needs a higher score), weight `probeWeight`;
 *   - the entry's cohort: the mean of its `k` best similarities to the other entries (a template
 *     close to many others), weight `templateWeight`.
 * normalised = raw - probeWeight * probeCohort - templateWeight * templateCohort.
 *
 * Fitting (on the fitting half only): for galleries of N entries built from the fitting set, every
 * (probe, entry) pair of different people gets its normalised score; the threshold for N is where
 * the tail of those pairs reaches 0.1% / N (the tail line of eval/policy-fit.ts), and a least-squares
 * line through (log10 N/50, threshold) gives the threshold at 50 and its rise per decade.
 */
import { leastSquares, tailLine } from '../../../gateway/rooms/faces/eval/policy-fit.js';

export interface CohortNorm {
  probeWeight: number;
  templateWeight: number;
  k: number;
}

export const RAW: CohortNorm = { probeWeight: 0, templateWeight: 0, k: 1 };

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Mean of the `k` largest finite values, leaving out index `skip` (0 with nothing left). */
export function topMean(values: ArrayLike<number>, k: number, skip = -1): number {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i === skip || !Number.isFinite(v)) continue;
    if (best.length < k) {
      best.push(v);
      best.sort((a, b) => a - b);
    } else if (v > best[0]!) {
      best[0] = v;
      best.sort((a, b) => a - b);
    }
  }
  return best.length ? best.reduce((a, b) => a + b, 0) / best.length : 0;
}

/** Each entry's cohort: the mean of its `k` best similarities to the other entries. */
export function templateCohorts(gallery: readonly Float32Array[], k: number): Float32Array {
  const out = new Float32Array(gallery.length);
  const row = new Float32Array(gallery.length);
  gallery.forEach((g, i) => {
    for (let j = 0; j < gallery.length; j++) row[j] = j === i ? -Infinity : dot(g, gallery[j]!);
    out[i] = topMean(row, k, i);
  });
  return out;
}

function normalised(raw: ArrayLike<number>, c: number, cohorts: ArrayLike<number> | null, n: CohortNorm): number {
  let s = raw[c]!;
  if (n.probeWeight) s -= n.probeWeight * topMean(raw, n.k, c);
  if (n.templateWeight && cohorts) s -= n.templateWeight * cohorts[c]!;
  return s;
}

/** The best entry by normalised score among the `consider` best by raw score. */
export function normalisedBest(
  raw: ArrayLike<number>,
  cohorts: ArrayLike<number> | null,
  n: CohortNorm,
  consider = 5,
): { i: number; s: number } {
  const order = Array.from({ length: raw.length }, (_, i) => i).sort((a, b) => raw[b]! - raw[a]!);
  let i = -1;
  let s = -Infinity;
  for (const c of order.slice(0, consider)) {
    const v = normalised(raw, c, cohorts, n);
    if (v > s) {
      s = v;
      i = c;
    }
  }
  return { i, s };
}

/** The threshold where the share of `scores` at or above it is `p` (the tail line of eval/policy-fit.ts). */
export function tailThreshold(scores: number[], p: number): number | null {
  return tailLine(scores.sort((a, b) => b - a))?.tAt(p) ?? null;
}

export interface FittedLine {
  /** Threshold at 50 entries, its rise per tenfold growth, and the per-size points it was drawn through. */
  t50: number;
  rise: number;
  points: Array<{ size: number; threshold: number }>;
}

/**
 * The threshold line for normalised scores, from `probes` (fitting strangers, with the index of
 * their own template in `pool` or -1) against galleries of `size` entries: the `fixed` entries (the
 * residents), then the first entries of `pool` (fitting strangers' templates); at FAR `targetFar` per look.
 */
export function fitLine(
  probes: ReadonlyArray<{ embedding: Float32Array; own: number }>,
  fixed: readonly Float32Array[],
  pool: readonly Float32Array[],
  sizes: readonly number[],
  n: CohortNorm,
  targetFar = 0.001,
): FittedLine | null {
  const points: Array<{ size: number; threshold: number }> = [];
  for (const size of sizes) {
    const gallery = [...fixed, ...pool].slice(0, size);
    const cohorts = n.templateWeight ? templateCohorts(gallery, n.k) : null;
    const scores: number[] = [];
    for (const q of probes) {
      // A probe is never compared with its own template (two different people per pair).
      const own = q.own < 0 ? -1 : fixed.length + q.own;
      const raw = Float32Array.from(gallery, (g, j) => (j === own ? -Infinity : dot(q.embedding, g)));
      for (let c = 0; c < raw.length; c++) if (c !== own) scores.push(normalised(raw, c, cohorts, n));
    }
    const t = tailThreshold(scores, targetFar / size);
    if (t !== null) points.push({ size, threshold: t });
  }
  if (points.length < 2) return null;
  const { slope, mx, my } = leastSquares(
    points.map((p) => Math.log10(p.size / 50)),
    points.map((p) => p.threshold),
  );
  return { t50: my - slope * mx, rise: slope, points };
}
