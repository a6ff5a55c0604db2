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
 * set's strangers, at FAR 0.1% per look (one comparison of a face with the gallery); its `scale`
 * rows report on the other half (models/README.md). A passage takes several looks: the gate's
 * threshold is the one for a gallery `passageLooks` times larger (passageThresholdFor).
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

/** What sets how many looks a passage gets (faces.tracking; stream/votes.ts). */
export interface PassageLooks {
  minFrames: number;
  maxFrames: number;
  /** One frame decides at the threshold plus this (>= 1: never). */
  singleFrameMargin?: number;
}

/**
 * How many galleries' worth of chances a stranger's passage has (the union bound), so that the
 * threshold for a gallery of N residents at the gate is the one-look threshold for N x this.
 * The multi-frame rules look twice at most (votes.ts: at minFrames usable frames and at the end;
 * once when minFrames >= maxFrames); each of up to maxFrames one-frame looks needs the threshold
 * plus `singleFrameMargin`, where the impostor tail is 10^(margin / risePerDecade) times thinner
 * (the fitted slope: +risePerDecade per decade of p). With the defaults (2, 10, 0.12, 0.077):
 * 2 + 10 x 10^-1.56 = 2.28. Looks at one passage are strongly correlated (the same face), so the
 * bound is conservative: the measured per-passage rate is lower (gateway/rooms/faces/README.md).
 */
export function passageLooks(p: PassageLooks, risePerDecade: number): number {
  const fused = p.minFrames >= p.maxFrames ? 1 : 2;
  const margin = p.singleFrameMargin ?? 1;
  const single = margin >= 1 || risePerDecade <= 0 ? 0 : p.maxFrames * 10 ** (-margin / risePerDecade);
  return fused + single;
}

/** The known threshold for a passage at a gate whose gallery holds `gallerySize` people. */
export function passageThresholdFor(threshold: number, gallerySize: number, scaling: GalleryScaling, looks: PassageLooks): number {
  return knownThresholdFor(threshold, Math.max(1, gallerySize) * passageLooks(looks, scaling.risePerDecade), scaling);
}
