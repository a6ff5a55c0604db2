/**
 * Whether the picture at a vehicle's plate is still the same: a coarse grey signature of the
 * box (16x6 cell means, so sensor noise and small shifts average out) and the mean difference
 * between two signatures in grey levels. Pure, no I/O. The plates room uses it to tell a car
 * standing at the barrier (no need to read it again) from the next car that took its place.
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import type { Box } from './consensus.js';

const COLS = 16;
const ROWS = 6;
/** Mean grey difference above which the picture at a box has changed. */
export const PATCH_CHANGED = 12;

export function patchSignature(img: RgbImage, box: Box): Float32Array {
  const sig = new Float32Array(COLS * ROWS);
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(img.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(img.height, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) return sig;
  const counts = new Uint32Array(COLS * ROWS);
  // Every other pixel in each direction is plenty for cell means.
  for (let y = y0; y < y1; y += 2) {
    const cy = Math.min(ROWS - 1, Math.floor(((y - y0) * ROWS) / (y1 - y0)));
    for (let x = x0; x < x1; x += 2) {
      const cx = Math.min(COLS - 1, Math.floor(((x - x0) * COLS) / (x1 - x0)));
      const p = (y * img.width + x) * 3;
      const grey = 0.299 * (img.data[p] as number) + 0.587 * (img.data[p + 1] as number) + 0.114 * (img.data[p + 2] as number);
      const c = cy * COLS + cx;
      sig[c] = (sig[c] as number) + grey;
      counts[c] = (counts[c] as number) + 1;
    }
  }
  for (let c = 0; c < sig.length; c++) sig[c] = (sig[c] as number) / Math.max(1, counts[c] as number);
  return sig;
}

export function patchDifference(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / Math.max(1, a.length);
}
