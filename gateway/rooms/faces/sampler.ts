/**
 * Pure-TS image sampling straight into model input tensors: one pass that resizes, crops, pads,
 * rotates (any affine map) and normalises, with no intermediate image. Bilinear; with `taps` > 1
 * each output pixel averages taps x taps samples (a cheap box filter for large down-scales such
 * as 1080p -> 320x240, which plain bilinear would alias): bilinear samples for rotated maps,
 * nearest pixels on a precomputed grid for axis-aligned ones (the per-frame resize).
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import type { Affine } from './geometry.js';

export interface SampleOptions {
  /** 'nchw': 3 planes R, G, B; 'nhwc': interleaved RGB; 'grey': one plane (OpenCV weights). */
  layout: 'nchw' | 'nhwc' | 'grey';
  /** value = (pixel - mean) / std */
  mean: number;
  std: number;
  /** Pixel value (0..255) used outside the image. */
  fill?: number;
  /** Supersampling per axis (1 = plain bilinear). */
  taps?: number;
}

/** Fills `out` (or a new array) with dstW x dstH samples; `map` takes dst pixel centres to source pixel coordinates. */
export function warpToTensor(
  img: RgbImage,
  map: Affine,
  dstW: number,
  dstH: number,
  opts: SampleOptions,
  out?: Float32Array,
): Float32Array {
  const channels = opts.layout === 'grey' ? 1 : 3;
  const size = dstW * dstH;
  const t = out ?? new Float32Array(size * channels);
  if (t.length < size * channels) throw new Error(`tensor buffer too small: ${t.length} < ${size * channels}`);
  const taps = Math.max(1, Math.floor(opts.taps ?? 1));
  const fill = opts.fill ?? 0;
  const inv = 1 / opts.std;
  const mean = opts.mean;
  const [a, b, c, d, e, f] = map;
  if (b === 0 && d === 0 && taps > 1) return boxResample(img, map, dstW, dstH, opts.layout, mean, inv, fill, taps, t);
  const { width: W, height: H, data } = img;
  let r = 0;
  let g = 0;
  let bl = 0;
  const tapW = 1 / (taps * taps);

  const sample = (x: number, y: number) => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
      const p = (y0 * W + x0) * 3;
      const q = p + W * 3;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      r += (data[p]! * w00 + data[p + 3]! * w01 + data[q]! * w10 + data[q + 3]! * w11) * tapW;
      g += (data[p + 1]! * w00 + data[p + 4]! * w01 + data[q + 1]! * w10 + data[q + 4]! * w11) * tapW;
      bl += (data[p + 2]! * w00 + data[p + 5]! * w01 + data[q + 2]! * w10 + data[q + 5]! * w11) * tapW;
      return;
    }
    // Edge: each of the four neighbours is either a pixel or the fill value.
    for (let k = 0; k < 4; k++) {
      const xi = x0 + (k & 1);
      const yi = y0 + (k >> 1);
      const w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy) * tapW;
      if (xi >= 0 && yi >= 0 && xi < W && yi < H) {
        const p = (yi * W + xi) * 3;
        r += data[p]! * w;
        g += data[p + 1]! * w;
        bl += data[p + 2]! * w;
      } else {
        r += fill * w;
        g += fill * w;
        bl += fill * w;
      }
    }
  };

  for (let j = 0; j < dstH; j++) {
    for (let i = 0; i < dstW; i++) {
      r = g = bl = 0;
      if (taps === 1) {
        sample(a * i + b * j + c, d * i + e * j + f);
      } else {
        for (let ty = 0; ty < taps; ty++) {
          const jj = j + (ty + 0.5) / taps - 0.5;
          for (let tx = 0; tx < taps; tx++) {
            const ii = i + (tx + 0.5) / taps - 0.5;
            sample(a * ii + b * jj + c, d * ii + e * jj + f);
          }
        }
      }
      const o = j * dstW + i;
      if (opts.layout === 'nchw') {
        t[o] = (r - mean) * inv;
        t[o + size] = (g - mean) * inv;
        t[o + 2 * size] = (bl - mean) * inv;
      } else if (opts.layout === 'nhwc') {
        t[o * 3] = (r - mean) * inv;
        t[o * 3 + 1] = (g - mean) * inv;
        t[o * 3 + 2] = (bl - mean) * inv;
      } else {
        t[o] = (0.299 * r + 0.587 * g + 0.114 * bl - mean) * inv;
      }
    }
  }
  return t;
}

/** Converts an NCHW RGB float tensor back to an image (for crops of aligned faces, debugging). */
export function tensorToRgb(t: Float32Array, width: number, height: number, mean: number, std: number): RgbImage {
  const size = width * height;
  const data = new Uint8Array(size * 3);
  for (let o = 0; o < size; o++) {
    for (let ch = 0; ch < 3; ch++) data[o * 3 + ch] = Math.max(0, Math.min(255, Math.round(t[o + ch * size]! * std + mean)));
  }
  return { width, height, data };
}

/**
 * Fast path for axis-aligned down-scaling (resize/crop/pad, no rotation) with supersampling:
 * each output pixel averages taps x taps source pixels (nearest, on a regular grid), with the
 * source indices computed once per column and per row.
 */
function boxResample(
  img: RgbImage,
  map: Affine,
  dstW: number,
  dstH: number,
  layout: SampleOptions['layout'],
  mean: number,
  inv: number,
  fill: number,
  taps: number,
  t: Float32Array,
): Float32Array {
  const [a, , c, , e, f] = map;
  const { width: W, height: H, data } = img;
  const xs = new Int32Array(dstW * taps);
  const ys = new Int32Array(dstH * taps);
  for (let i = 0; i < dstW; i++) {
    for (let k = 0; k < taps; k++) {
      const x = Math.round(a * (i + (k + 0.5) / taps - 0.5) + c);
      xs[i * taps + k] = x >= 0 && x < W ? x * 3 : -1;
    }
  }
  for (let j = 0; j < dstH; j++) {
    for (let k = 0; k < taps; k++) {
      const y = Math.round(e * (j + (k + 0.5) / taps - 0.5) + f);
      ys[j * taps + k] = y >= 0 && y < H ? y * W * 3 : -1;
    }
  }
  const size = dstW * dstH;
  const norm = 1 / (taps * taps);
  for (let j = 0; j < dstH; j++) {
    for (let i = 0; i < dstW; i++) {
      let r = 0;
      let g = 0;
      let bl = 0;
      for (let ky = 0; ky < taps; ky++) {
        const row = ys[j * taps + ky]!;
        for (let kx = 0; kx < taps; kx++) {
          const col = xs[i * taps + kx]!;
          if (row < 0 || col < 0) {
            r += fill;
            g += fill;
            bl += fill;
          } else {
            const p = row + col;
            r += data[p]!;
            g += data[p + 1]!;
            bl += data[p + 2]!;
          }
        }
      }
      r *= norm;
      g *= norm;
      bl *= norm;
      const o = j * dstW + i;
      if (layout === 'nchw') {
        t[o] = (r - mean) * inv;
        t[o + size] = (g - mean) * inv;
        t[o + 2 * size] = (bl - mean) * inv;
      } else if (layout === 'nhwc') {
        t[o * 3] = (r - mean) * inv;
        t[o * 3 + 1] = (g - mean) * inv;
        t[o * 3 + 2] = (bl - mean) * inv;
      } else {
        t[o] = (0.299 * r + 0.587 * g + 0.114 * bl - mean) * inv;
      }
    }
  }
  return t;
}
