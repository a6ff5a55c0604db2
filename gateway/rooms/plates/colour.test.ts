import { describe, expect, it } from 'vitest';
import { classifyColour, otsu, rgbToHsv } from './colour.js';
import type { RgbImage } from '../../lib/imaging/image.js';

/** A 120x40 plate: background colour with three bars of text colour. */
function plate(bg: [number, number, number], fg: [number, number, number]): RgbImage {
  const W = 120;
  const H = 40;
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const text = y > 8 && y < 32 && x % 20 >= 8 && x % 20 < 12;
      data.set(text ? fg : bg, (y * W + x) * 3);
    }
  return { width: W, height: H, data };
}

describe('plate colour', () => {
  it('converts to HSV', () => {
    expect(rgbToHsv(0, 0, 255)).toEqual([240, 1, 1]);
    expect(rgbToHsv(255, 255, 0)[0]).toBe(60);
  });
  it('splits a bimodal histogram between its modes', () => {
    const h = new Array(256).fill(0);
    h[40] = 100;
    h[200] = 50;
    const t = otsu(h);
    expect(t).toBeGreaterThanOrEqual(40);
    expect(t).toBeLessThan(200);
  });
  it.each([
    ['blue', [20, 60, 200], [240, 240, 240]],
    ['yellow', [230, 190, 20], [20, 20, 20]],
    ['green', [120, 210, 130], [15, 15, 15]],
    ['white', [235, 235, 235], [20, 20, 20]],
    ['black', [20, 20, 20], [235, 235, 235]],
  ] as const)('%s', (name, bg, fg) => expect(classifyColour(plate([...bg], [...fg]))).toBe(name));
});
