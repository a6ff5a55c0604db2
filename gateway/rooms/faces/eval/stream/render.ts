/**
 * Drawing a camera frame of a walk-up scene: a static background and, for each visible person,
 * the region around the face of their photo, scaled, tilted and slightly squeezed (a head turn),
 * blended in with a soft elliptical edge, with optional horizontal motion blur and sensor noise.
 * Pure (bytes in, bytes out).
 */
import type { RgbImage } from '../../../../lib/imaging/image.js';
import type { FaceBox } from '../../geometry.js';
import type { Placement } from './plan.js';

export interface SourceFace {
  image: RgbImage;
  /** The face in the photo (detector box). */
  box: FaceBox;
}

/** A grey wall with a darker door frame and a little texture. */
export function background(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const door = x > width * 0.3 && x < width * 0.7 && y > height * 0.1;
      const edge = door && (x < width * 0.32 || x > width * 0.68 || y < height * 0.12);
      const v = (edge ? 70 : door ? 120 : 150) + ((x * 7 + y * 13) % 9) - 4 + Math.round((40 * y) / height);
      const o = (y * width + x) * 3;
      out[o] = v;
      out[o + 1] = v - 4;
      out[o + 2] = v - 10;
    }
  }
  return out;
}

/** Gaussian-ish noise table (sum of uniforms), sigma ~`sigma` grey levels. */
export function noiseTable(size: number, sigma: number, rnd: () => number): Int8Array {
  const t = new Int8Array(size);
  for (let i = 0; i < size; i++) t[i] = Math.round((rnd() + rnd() + rnd() + rnd() - 2) * sigma * 1.73);
  return t;
}

export interface RenderContext {
  width: number;
  height: number;
  /** Camera pixels per analysed-frame pixel. */
  scale: number;
  background: Uint8Array;
  noise: Int8Array;
  sources: (photo: number) => SourceFace;
}

/** Writes the frame for `placements` into `out` (width * height * 3 bytes). */
export function renderFrame(ctx: RenderContext, placements: readonly Placement[], out: Uint8Array, rnd: () => number): void {
  out.set(ctx.background);
  for (const pl of placements) drawFace(ctx, pl, out, Math.floor(rnd() * (ctx.noise.length - 1)));
}

function drawFace(ctx: RenderContext, pl: Placement, out: Uint8Array, noiseAt: number): void {
  const { image, box } = ctx.sources(pl.passage.photo);
  const bw = box.x2 - box.x1;
  const bh = box.y2 - box.y1;
  const bcx = (box.x1 + box.x2) / 2;
  const bcy = (box.y1 + box.y2) / 2;
  const s = (pl.facePx * ctx.scale) / bh; // photo -> frame scale
  const sx = s * pl.passage.turn;
  const th = (pl.tilt * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const cx = pl.x * ctx.width;
  const cy = pl.y * ctx.height;
  // Patch: 1.7 x the box around the face, as an ellipse in the photo.
  const rx = bw * 0.85;
  const ry = bh * 0.95;
  const reach = Math.max(rx * sx, ry * s) * 1.05;
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(ctx.width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(ctx.height - 1, Math.ceil(cy + reach));
  const blur = pl.blurPx * ctx.scale;
  const taps = blur > 0 ? 3 : 1;
  const gain = pl.passage.gain;
  const { width: W, height: H, data } = image;
  let n = noiseAt;
  for (let Y = y0; Y <= y1; Y++) {
    for (let X = x0; X <= x1; X++) {
      // frame -> photo: undo translation, rotation, scale
      const dx = X - cx;
      const dy = Y - cy;
      const ux = (cos * dx + sin * dy) / sx;
      const uy = (-sin * dx + cos * dy) / s;
      const e = (ux / rx) ** 2 + (uy / ry) ** 2;
      if (e >= 1) continue;
      const alpha = e < 0.7 ? 1 : (1 - e) / 0.3;
      let r = 0;
      let g = 0;
      let b = 0;
      let w = 0;
      for (let k = 0; k < taps; k++) {
        const off = taps === 1 ? 0 : ((k - 1) * blur) / 2 / sx;
        const px = bcx + ux + off;
        const py = bcy + uy;
        const ix = Math.floor(px);
        const iy = Math.floor(py);
        if (ix < 0 || iy < 0 || ix + 1 >= W || iy + 1 >= H) continue;
        const fx = px - ix;
        const fy = py - iy;
        const p = (iy * W + ix) * 3;
        const q = p + W * 3;
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        r += data[p]! * w00 + data[p + 3]! * w01 + data[q]! * w10 + data[q + 3]! * w11;
        g += data[p + 1]! * w00 + data[p + 4]! * w01 + data[q + 1]! * w10 + data[q + 4]! * w11;
        b += data[p + 2]! * w00 + data[p + 5]! * w01 + data[q + 2]! * w10 + data[q + 5]! * w11;
        w++;
      }
      if (w === 0) continue;
      const o = (Y * ctx.width + X) * 3;
      const nz = ctx.noise[n++ % ctx.noise.length]!;
      const a = alpha;
      out[o] = clamp(out[o]! * (1 - a) + a * ((r / w) * gain + nz));
      out[o + 1] = clamp(out[o + 1]! * (1 - a) + a * ((g / w) * gain + nz));
      out[o + 2] = clamp(out[o + 2]! * (1 - a) + a * ((b / w) * gain + nz));
    }
  }
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
