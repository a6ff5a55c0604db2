/**
 * Plane geometry for plate regions, pure TS: convex hull, minimum-area rotated rectangle,
 * quadrilateral → upright rectangle warp (homography, bilinear). No I/O.
 */
import type { RgbImage } from '../../lib/imaging/image.js';

export interface Point {
  x: number;
  y: number;
}
/** A rectangle of size w x h (w >= h) centred at (cx, cy), its long side at `angle` radians. */
export interface RotatedRect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  angle: number;
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, without collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const pts = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length < 3) return pts;
  const lower: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Point, lower[lower.length - 1] as Point, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i] as Point;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Point, upper[upper.length - 1] as Point, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** The smallest-area rectangle enclosing the points (one side lies on a hull edge). */
export function minAreaRect(points: readonly Point[]): RotatedRect {
  const hull = convexHull(points);
  if (hull.length === 0) return { cx: 0, cy: 0, w: 0, h: 0, angle: 0 };
  if (hull.length < 3) {
    const a = hull[0] as Point;
    const b = hull[hull.length - 1] as Point;
    return { cx: (a.x + b.x) / 2, cy: (a.y + b.y) / 2, w: Math.hypot(b.x - a.x, b.y - a.y), h: 0, angle: Math.atan2(b.y - a.y, b.x - a.x) };
  }
  let bestArea = Infinity;
  let best: RotatedRect = { cx: 0, cy: 0, w: 0, h: 0, angle: 0 };
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i] as Point;
    const q = hull[(i + 1) % hull.length] as Point;
    const len = Math.hypot(q.x - p.x, q.y - p.y);
    if (len === 0) continue;
    const ux = (q.x - p.x) / len;
    const uy = (q.y - p.y) / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const r of hull) {
      const u = r.x * ux + r.y * uy;
      const v = -r.x * uy + r.y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = { cx: mu * ux - mv * uy, cy: mu * uy + mv * ux, w: maxU - minU, h: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return normaliseRect(best);
}

/** Makes w the long side and keeps the angle within (-90°, 90°] so text reads left to right. */
export function normaliseRect(r: RotatedRect): RotatedRect {
  let { w, h, angle } = r;
  if (h > w) {
    [w, h] = [h, w];
    angle += Math.PI / 2;
  }
  while (angle > Math.PI / 2) angle -= Math.PI;
  while (angle <= -Math.PI / 2) angle += Math.PI;
  return { cx: r.cx, cy: r.cy, w, h, angle };
}

/** Grows a rectangle by `dw` and `dh` in total (split between both sides). */
export function growRect(r: RotatedRect, dw: number, dh: number): RotatedRect {
  return { ...r, w: r.w + dw, h: r.h + dh };
}

/** Corners top-left, top-right, bottom-right, bottom-left (in reading order of the plate). */
export function rectCorners(r: RotatedRect): [Point, Point, Point, Point] {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const hw = r.w / 2;
  const hh = r.h / 2;
  const at = (u: number, v: number): Point => ({ x: r.cx + u * c - v * s, y: r.cy + u * s + v * c });
  return [at(-hw, -hh), at(hw, -hh), at(hw, hh), at(-hw, hh)];
}

/** Axis-aligned bounding box of points. */
export function boundsOf(points: readonly Point[]): { x: number; y: number; width: number; height: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The homography mapping the 4 `from` points onto the 4 `to` points (row-major 3x3, h33 = 1). */
export function homography(from: readonly Point[], to: readonly Point[]): Float64Array {
  // 8 equations: for each pair, u = (h0 x + h1 y + h2) / (h6 x + h7 y + 1), v likewise.
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const { x, y } = from[i] as Point;
    const { x: u, y: v } = to[i] as Point;
    A.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    A.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++)
      if (Math.abs((A[r] as number[])[col] as number) > Math.abs((A[pivot] as number[])[col] as number)) pivot = r;
    [A[col], A[pivot]] = [A[pivot] as number[], A[col] as number[]];
    const pr = A[col] as number[];
    const pv = pr[col] as number;
    if (Math.abs(pv) < 1e-12) throw new Error('degenerate quadrilateral');
    for (let c = col; c < 9; c++) pr[c] = (pr[c] as number) / pv;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = A[r] as number[];
      const f = row[col] as number;
      if (f === 0) continue;
      for (let c = col; c < 9; c++) row[c] = (row[c] as number) - f * (pr[c] as number);
    }
  }
  return Float64Array.from([...A.map((r) => r[8] as number), 1]);
}

export function applyHomography(hm: Float64Array, p: Point): Point {
  const w = (hm[6] as number) * p.x + (hm[7] as number) * p.y + (hm[8] as number);
  return {
    x: ((hm[0] as number) * p.x + (hm[1] as number) * p.y + (hm[2] as number)) / w,
    y: ((hm[3] as number) * p.x + (hm[4] as number) * p.y + (hm[5] as number)) / w,
  };
}

/**
 * Warps the quadrilateral `quad` (TL, TR, BR, BL in `img`) to an upright outW x outH image,
 * bilinear; samples outside the image repeat the edge pixel.
 */
export function warpQuad(img: RgbImage, quad: readonly Point[], outW: number, outH: number): RgbImage {
  const ow = Math.max(1, Math.round(outW));
  const oh = Math.max(1, Math.round(outH));
  const dst: Point[] = [
    { x: 0, y: 0 },
    { x: ow, y: 0 },
    { x: ow, y: oh },
    { x: 0, y: oh },
  ];
  const H = homography(dst, quad);
  const out = new Uint8Array(ow * oh * 3);
  const src = img.data;
  const iw = img.width;
  const ih = img.height;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const p = applyHomography(H, { x: x + 0.5, y: y + 0.5 });
      const sx = Math.min(iw - 1, Math.max(0, p.x - 0.5));
      const sy = Math.min(ih - 1, Math.max(0, p.y - 0.5));
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(iw - 1, x0 + 1);
      const y1 = Math.min(ih - 1, y0 + 1);
      const fx = sx - x0;
      const fy = sy - y0;
      const o = (y * ow + x) * 3;
      const a = (y0 * iw + x0) * 3;
      const b = (y0 * iw + x1) * 3;
      const c = (y1 * iw + x0) * 3;
      const d = (y1 * iw + x1) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = (src[a + ch] as number) * (1 - fx) + (src[b + ch] as number) * fx;
        const bot = (src[c + ch] as number) * (1 - fx) + (src[d + ch] as number) * fx;
        out[o + ch] = Math.round(top * (1 - fy) + bot * fy);
      }
    }
  }
  return { width: ow, height: oh, data: out };
}

/** Bilinear resize of a whole image (a warp of its own corners). */
export function resizeBilinear(img: RgbImage, outW: number, outH: number): RgbImage {
  return warpQuad(
    img,
    [
      { x: 0, y: 0 },
      { x: img.width, y: 0 },
      { x: img.width, y: img.height },
      { x: 0, y: img.height },
    ],
    outW,
    outH,
  );
}
