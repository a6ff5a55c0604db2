import { describe, expect, it } from 'vitest';
import { PATCH_CHANGED, patchDifference, patchSignature } from './plate-patch.js';

function image(
  width: number,
  height: number,
  pixel: (x: number, y: number) => number,
  noise = 0,
): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      const v = Math.max(0, Math.min(255, pixel(x, y) + ((seed % (2 * noise + 1)) - noise)));
      data.set([v, v, v], (y * width + x) * 3);
    }
  return { width, height, data };
}

const box = { x: 40, y: 30, width: 120, height: 40 };
// A "plate": bright background with dark vertical strokes, different per plate.
const plate = (strokes: number[]) => (x: number, y: number) =>
  x >= 40 && x < 160 && y >= 30 && y < 70 ? (strokes.includes(Math.floor((x - 40) / 12)) ? 30 : 220) : 90;

describe('plate patch signature', () => {
  it('the same plate under sensor noise is unchanged', () => {
    const a = patchSignature(image(200, 100, plate([1, 3, 5, 7]), 0), box);
    const b = patchSignature(image(200, 100, plate([1, 3, 5, 7]), 20), box);
    expect(patchDifference(a, b)).toBeLessThan(PATCH_CHANGED);
  });

  it('another plate, or the empty lane, has changed', () => {
    const a = patchSignature(image(200, 100, plate([1, 3, 5, 7])), box);
    expect(patchDifference(a, patchSignature(image(200, 100, plate([0, 2, 4, 6, 8])), box))).toBeGreaterThan(PATCH_CHANGED);
    expect(
      patchDifference(
        a,
        patchSignature(
          image(200, 100, () => 90),
          box,
        ),
      ),
    ).toBeGreaterThan(PATCH_CHANGED);
  });

  it('copes with boxes partly or wholly outside the frame', () => {
    const img = image(200, 100, () => 100);
    expect(patchSignature(img, { x: 180, y: 90, width: 50, height: 30 }).every((v) => v === 0 || v === 100)).toBe(true);
    expect(patchSignature(img, { x: 500, y: 500, width: 10, height: 10 }).every((v) => v === 0)).toBe(true);
  });
});
