/** Plain geometry shared by the face pipeline: boxes, points, 2x3 affine maps. Pure. */

export interface Point {
  x: number;
  y: number;
}

/** An axis-aligned box in pixels, corners x1,y1 (top left) and x2,y2 (bottom right). */
export interface FaceBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A rectangle as origin and size (pixels). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * A 2x3 affine map [a, b, c, d, e, f]: x' = a*x + b*y + c, y' = d*x + e*y + f.
 * The sampler uses maps from destination pixels to source pixels.
 */
export type Affine = readonly [number, number, number, number, number, number];

export function boxArea(b: FaceBox): number {
  return Math.max(0, b.x2 - b.x1) * Math.max(0, b.y2 - b.y1);
}

export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxArea(a) + boxArea(b) - inter);
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('affine map is not invertible');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** The map from a dst of size dstW x dstH to the source rectangle `src` (stretching to fill). */
export function rectMap(src: Rect, dstW: number, dstH: number): Affine {
  const sx = src.width / dstW;
  const sy = src.height / dstH;
  // Pixel centres: dst pixel i covers src x + (i + 0.5) * sx; the sampler adds 0.5 and subtracts it.
  return [sx, 0, src.x + 0.5 * sx - 0.5, 0, sy, src.y + 0.5 * sy - 0.5];
}

/** Clamp a box to the image. */
export function clampBox(b: FaceBox, width: number, height: number): FaceBox {
  return { x1: Math.max(0, b.x1), y1: Math.max(0, b.y1), x2: Math.min(width, b.x2), y2: Math.min(height, b.y2) };
}

export function roundBox(b: FaceBox): FaceBox {
  return { x1: Math.round(b.x1), y1: Math.round(b.y1), x2: Math.round(b.x2), y2: Math.round(b.y2) };
}
