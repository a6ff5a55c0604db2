/**
 * The known-face threshold for a gallery of N residents. Pure.
 *
 * A stranger is falsely accepted when their best score against the N residents reaches the
 * threshold, so the false-accept rate per passage is about N x p(t), where p(t) is the rate at
 * which one comparison between two different people reaches t. Keeping the per-passage rate
 * constant as the gallery grows needs p(t) to fall as 1/N: t must rise by how much the
 * impostor tail drops per decade of p, for each decade of N. For an impostor score spread sigma
 * around 0, a Gaussian tail gives dt / dlog10(N) = sigma^2 * ln(10) / t; sigma is 0.095 for
 * strangers against residents and 0.12 between the faces of one group photo (`_group`, which
 * `eval faces` never reports on), so at t ~ 0.45-0.5 the rise is 0.04-0.07 per decade.
 * The defaults (faces.threshold 0.472 at 50 residents, +0.077 per decade) are fitted by
 * `sharpeyes eval faces DIR --json` (`policy_fit`, eval/policy-fit.ts) on the even half of the dev
 * set's strangers, at FAR 0.1% per passage; its `scale` rows report on the other half
 * (models/README.md).
 */

export interface GalleryScaling {
  /** The configured threshold holds for galleries up to this many residents. */
  referenceSize: number;
  /** How much the threshold rises per tenfold growth of the gallery beyond referenceSize. */
  risePerDecade: number;
}

export const DEFAULT_GALLERY_SCALING: GalleryScaling = { referenceSize: 50, risePerDecade: 0.077 };

/** The threshold in force for `gallerySize` residents (never below `threshold`, never above 1). */
export function knownThresholdFor(threshold: number, gallerySize: number, scaling: GalleryScaling): number {
  const ref = Math.max(1, scaling.referenceSize);
  if (!(gallerySize > ref)) return threshold;
  const t = threshold + scaling.risePerDecade * Math.log10(gallerySize / ref);
  return Math.min(1, Math.round(t * 1000) / 1000);
}
