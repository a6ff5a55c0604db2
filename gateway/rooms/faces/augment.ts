/**
 * Enrolment views: a resident gives one registration photo, but the camera sees them a little
 * bigger or smaller, tilted, brighter or darker, from either side. The template is the mean of
 * the embeddings of the aligned face and of such views of it (mirror, scale +-7%, rotation +-6
 * degrees), so it sits nearer the centre of the resident's cloud of camera embeddings than the
 * photo alone. Pure.
 */
import type { Affine } from './geometry.js';

export interface AlignedView {
  name: string;
  /** Map from view pixels to aligned-crop pixels (112x112). */
  jitter: Affine;
  flip?: boolean;
  /** Brightness factor applied to the pixel values. */
  gain?: number;
}

const SIZE = 112;

/** Scale `s` and rotation `deg` about the crop centre, then a shift (pixels). */
export function jitterMap(s: number, deg: number, dx = 0, dy = 0): Affine {
  const r = (deg * Math.PI) / 180;
  const cos = Math.cos(r) / s;
  const sin = Math.sin(r) / s;
  const c = (SIZE - 1) / 2;
  return [cos, -sin, c - cos * c + sin * c + dx, sin, cos, c - sin * c - cos * c + dy];
}

export const ENROLMENT_VIEWS: readonly AlignedView[] = [
  { name: 'flip', jitter: jitterMap(1, 0), flip: true },
  { name: 'smaller', jitter: jitterMap(0.93, 0) },
  { name: 'bigger', jitter: jitterMap(1.07, 0) },
  { name: 'tilt-left', jitter: jitterMap(1, -6) },
  { name: 'tilt-right', jitter: jitterMap(1, 6) },
];

/** Brightness and shift views: measured, no better than the geometric ones alone (models/README.md). */
export const PHOTOMETRIC_VIEWS: readonly AlignedView[] = [
  { name: 'darker', jitter: jitterMap(1, 0), gain: 0.75 },
  { name: 'brighter', jitter: jitterMap(1, 0), gain: 1.25 },
  { name: 'shift-x', jitter: jitterMap(1, 0, 2, 0) },
  { name: 'shift-y', jitter: jitterMap(1, 0, 0, 2) },
];

/** m after n: p -> m(n(p)). */
export function composeAffine(m: Affine, n: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const [A, B, C, D, E, F] = n;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

/** Applies a view's brightness and mirror to an NCHW tensor normalised as (x - mean) / std, in place. */
export function applyViewToTensor(t: Float32Array, view: AlignedView, width: number, height: number, mean: number, std: number): void {
  if (view.gain !== undefined && view.gain !== 1) {
    const lo = -mean / std;
    const hi = (255 - mean) / std;
    for (let i = 0; i < t.length; i++) t[i] = Math.min(hi, Math.max(lo, ((t[i]! * std + mean) * view.gain - mean) / std));
  }
  if (view.flip) {
    const plane = width * height;
    for (let ch = 0; ch * plane < t.length; ch++) {
      for (let y = 0; y < height; y++) {
        const o = ch * plane + y * width;
        for (let x = 0; x < width >> 1; x++) {
          const a = t[o + x]!;
          t[o + x] = t[o + width - 1 - x]!;
          t[o + width - 1 - x] = a;
        }
      }
    }
  }
}
