/**
 * 5-point similarity alignment to the ArcFace 112x112 template. Pure.
 * The 5 points: left eye centre, right eye centre (as seen in the image), nose tip, left and
 * right mouth corners.
 */
import { invertAffine, type Affine, type Point } from './geometry.js';

/** ArcFace reference points for a 112x112 crop (insightface's template). */
export const ARCFACE_112: readonly Point[] = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

function mean(points: readonly Point[], from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i <= to; i++) {
    x += points[i]!.x;
    y += points[i]!.y;
  }
  const n = to - from + 1;
  return { x: x / n, y: y / n };
}

/** iBUG 68-point layout -> the 5 alignment points. */
export function fivePointsFrom68(points: readonly Point[]): Point[] {
  if (points.length !== 68) throw new Error(`expected 68 landmarks, got ${points.length}`);
  return [mean(points, 36, 41), mean(points, 42, 47), points[30]!, points[48]!, points[54]!];
}

/**
 * Least-squares similarity (scale, rotation, translation; no reflection) taking `src` onto
 * `dst` (Umeyama in 2-D). Returns the map src -> dst.
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new Error('need at least two point pairs of equal count');
  const ms = mean(src, 0, n - 1);
  const md = mean(dst, 0, n - 1);
  let sxx = 0;
  let num1 = 0;
  let num2 = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]!.x - ms.x;
    const y = src[i]!.y - ms.y;
    const u = dst[i]!.x - md.x;
    const v = dst[i]!.y - md.y;
    sxx += x * x + y * y;
    num1 += x * u + y * v;
    num2 += x * v - y * u;
  }
  if (sxx < 1e-9) throw new Error('degenerate points (all equal)');
  const a = num1 / sxx; // s cos(theta)
  const b = num2 / sxx; // s sin(theta)
  return [a, -b, md.x - (a * ms.x - b * ms.y), b, a, md.y - (b * ms.x + a * ms.y)];
}

/** The sampler's map (aligned crop pixel -> image pixel) for the 5 points of a face. */
export function alignmentMap(points5: readonly Point[], template: readonly Point[] = ARCFACE_112): Affine {
  return invertAffine(estimateSimilarity(points5, template));
}
