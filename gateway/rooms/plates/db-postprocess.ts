/**
 * Turning the DB text detector's probability map into rotated text regions. Pure, no I/O.
 * Threshold → 4-connected components → minimum-area rotated rectangle of each component, its
 * mean probability as score, and the DB "unclip" growth (area x ratio / perimeter on each side).
 */
import { minAreaRect, type RotatedRect } from './geometry.js';

export interface TextRegion {
  /** The component's own rectangle (map pixels), before growth: aspect is measured on this. */
  raw: RotatedRect;
  /** Grown by the unclip distance (map pixels). */
  grown: RotatedRect;
  score: number;
  pixels: number;
}

export interface DbOptions {
  threshold: number;
  minScore: number;
  minPixels: number;
  unclipRatio: number;
}

export const DB_DEFAULTS: DbOptions = { threshold: 0.3, minScore: 0.5, minPixels: 12, unclipRatio: 1.5 };

export function findTextRegions(prob: Float32Array, width: number, height: number, opts: Partial<DbOptions> = {}): TextRegion[] {
  const o = { ...DB_DEFAULTS, ...opts };
  const n = width * height;
  const label = new Int32Array(n);
  const stack = new Int32Array(n);
  const regions: TextRegion[] = [];
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (label[start] !== 0 || (prob[start] as number) <= o.threshold) continue;
    next++;
    label[start] = next;
    let sp = 0;
    stack[sp++] = start;
    const xs: number[] = [];
    const ys: number[] = [];
    let sum = 0;
    while (sp > 0) {
      const i = stack[--sp] as number;
      const x = i % width;
      const y = (i - x) / width;
      xs.push(x);
      ys.push(y);
      sum += prob[i] as number;
      const nb = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1];
      for (const j of nb) {
        if (j >= 0 && label[j] === 0 && (prob[j] as number) > o.threshold) {
          label[j] = next;
          stack[sp++] = j;
        }
      }
    }
    if (xs.length < o.minPixels) continue;
    const score = sum / xs.length;
    if (score < o.minScore) continue;
    // Pixel squares: use each pixel's four corners so a one-pixel-high line has height 1.
    const pts: { x: number; y: number }[] = [];
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k] as number;
      const y = ys[k] as number;
      pts.push({ x, y }, { x: x + 1, y }, { x, y: y + 1 }, { x: x + 1, y: y + 1 });
    }
    const raw = minAreaRect(pts);
    const d = (raw.w * raw.h * o.unclipRatio) / (2 * (raw.w + raw.h));
    regions.push({ raw, grown: { ...raw, w: raw.w + 2 * d, h: raw.h + 2 * d }, score, pixels: xs.length });
  }
  return regions;
}

/** Scales a rectangle from map pixels to image pixels (sx, sy may differ slightly). */
export function scaleRect(r: RotatedRect, sx: number, sy: number): RotatedRect {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const w = Math.hypot(r.w * c * sx, r.w * s * sy);
  const h = Math.hypot(-r.h * s * sx, r.h * c * sy);
  return { cx: r.cx * sx, cy: r.cy * sy, w, h, angle: Math.atan2(s * sy, c * sx) };
}
