/**
 * Fitting the threshold policy's constants on a documented fitting set, so that the scale figures
 * (scale.ts) are reported on strangers the constants never saw. Pure.
 *
 * Fitting set: the even half of `_unknown` (strangerHalves). Its faces are compared with each
 * other's enrolment templates and with the residents' templates: every pair is two different
 * people, so the share of pairs at or above t is p(t), the per-comparison impostor rate. A gallery
 * of N residents lets a stranger in at about N·p(t), so FAR ≤ target needs p(t) ≤ target / N.
 * The tail of log10 p(t) is close to a straight line; a least-squares line through it, from
 * p = 1e-3 down to the smallest p the pairs resolve, gives the threshold at the reference size
 * and the rise per tenfold growth (1 / its slope).
 *
 * `highest_pair` is the fitting set's highest impostor score: the learning rule's score floor
 * (learning-policy.ts) cannot be fitted from it, as the reporting half holds look-alikes (twins,
 * near-duplicates, 0.76-0.88) the fitting half does not (its highest is near 0.52); the scale
 * rows count the strangers the rule would learn (`learned_impostors`) instead.
 */

export interface PolicyFit {
  set: string;
  pairs: number;
  target_far: number;
  reference_size: number;
  /** The threshold for `reference_size` residents at `target_far`. */
  threshold: number;
  rise_per_decade: number;
  /** The fitted line's threshold for these sizes (for reading). */
  thresholds: Array<{ residents: number; threshold: number }>;
  /** The highest impostor pair's score. */
  highest_pair: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Least squares: the slope and the means of a set of points. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; mx: number; my: number } {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return { slope: sxy / sxx, mx, my };
}

/**
 * The tail line of impostor scores sorted high to low: points (t, log10 p) from p = 1e-3 down to
 * 20 pairs (below, counts are noise), a least-squares line through them; `tAt(p)` is the
 * threshold a share p of the pairs reaches, `slope` log10 p per unit of t (negative).
 */
export function tailLine(sortedDesc: readonly number[]): { tAt: (p: number) => number; slope: number } | null {
  const n = sortedDesc.length;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = Math.floor(n * 1e-3); k >= 20; k = Math.floor(k / 1.25)) {
    xs.push(sortedDesc[k - 1]!);
    ys.push(Math.log10(k / n));
  }
  if (xs.length < 4) return null;
  const { slope, mx, my } = leastSquares(xs, ys);
  return { tAt: (p) => mx + (Math.log10(p) - my) / slope, slope };
}

export function fitPolicy(
  probes: readonly Float32Array[],
  templates: ReadonlyArray<{ owner: number; template: Float32Array }>,
  opts: { targetFar: number; referenceSize: number; sizes: readonly number[]; set: string },
): PolicyFit | null {
  const scores: number[] = [];
  probes.forEach((p, i) => {
    for (const t of templates) if (t.owner !== i) scores.push(dot(p, t.template));
  });
  if (scores.length < 10_000) return null;
  scores.sort((a, b) => b - a);
  const tail = tailLine(scores);
  if (!tail) return null;
  const { tAt, slope } = tail;
  const n = scores.length;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    set: opts.set,
    pairs: n,
    target_far: opts.targetFar,
    reference_size: opts.referenceSize,
    threshold: r3(tAt(opts.targetFar / opts.referenceSize)),
    rise_per_decade: r3(-1 / slope),
    thresholds: opts.sizes.map((s) => ({ residents: s, threshold: r3(tAt(opts.targetFar / s)) })),
    highest_pair: r3(scores[0]!),
  };
}
