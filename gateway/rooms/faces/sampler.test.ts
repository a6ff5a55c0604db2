import { describe, expect, it } from 'vitest';
import { rectMap } from './geometry.js';
import { tensorToRgb, warpToTensor } from './sampler.js';

// 4x2 image, pixel value = 10 * index in R, +1 in G, +2 in B.
const W = 4;
const H = 2;
const img = { width: W, height: H, data: Uint8Array.from({ length: W * H * 3 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3)) };

describe('warpToTensor', () => {
  it('the identity map reproduces the pixels, planar (NCHW) and normalised', () => {
    const t = warpToTensor(img, rectMap({ x: 0, y: 0, width: W, height: H }, W, H), W, H, { layout: 'nchw', mean: 0, std: 1 });
    expect(Array.from(t.subarray(0, 8))).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(Array.from(t.subarray(8, 16))).toEqual([1, 11, 21, 31, 41, 51, 61, 71]);
    const back = tensorToRgb(t, W, H, 0, 1);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('normalises (x - mean) / std and interleaves for NHWC', () => {
    const t = warpToTensor(img, rectMap({ x: 0, y: 0, width: W, height: H }, W, H), W, H, { layout: 'nhwc', mean: 127, std: 128 });
    expect(t[0]).toBeCloseTo(-127 / 128, 6);
    expect(t[4]).toBeCloseTo((11 - 127) / 128, 6);
  });

  it('halving averages neighbours (bilinear at pixel centres) and uses the fill value outside', () => {
    const t = warpToTensor(img, rectMap({ x: 0, y: 0, width: W, height: H }, 2, 1), 2, 1, { layout: 'nchw', mean: 0, std: 1 });
    // dst pixel 0 centre -> src (0.5, 0.5): mean of pixels 0, 1, 4, 5 (R: 0, 10, 40, 50).
    expect(t[0]).toBeCloseTo(25, 5);
    expect(t[1]).toBeCloseTo(45, 5);
    const out = warpToTensor(img, rectMap({ x: -4, y: 0, width: W, height: H }, W, H), W, H, {
      layout: 'grey',
      mean: 0,
      std: 1,
      fill: 200,
    });
    expect(out[0]).toBeCloseTo(200, 4);
  });

  it('grey uses the 0.299/0.587/0.114 weights and supersampling averages taps', () => {
    const t = warpToTensor(img, rectMap({ x: 0, y: 0, width: 1, height: 1 }, 1, 1), 1, 1, { layout: 'grey', mean: 0, std: 1 });
    expect(t[0]).toBeCloseTo(0.587 * 1 + 0.114 * 2, 5);
    const box = warpToTensor(img, rectMap({ x: 0, y: 0, width: W, height: H }, 1, 1), 1, 1, { layout: 'nchw', mean: 0, std: 1, taps: 2 });
    // Axis-aligned: 2x2 taps on a grid, nearest pixels (1, 0), (3, 0), (1, 1), (3, 1): R 10, 30, 50, 70.
    expect(box[0]).toBeCloseTo(40, 4);
    // A non-linear image shows the difference: one bright pixel in a corner.
    const spot = { width: 4, height: 4, data: new Uint8Array(48) };
    spot.data[(3 * 4 + 3) * 3] = 160; // pixel (3, 3)
    const one = warpToTensor(spot, rectMap({ x: 0, y: 0, width: 4, height: 4 }, 1, 1), 1, 1, { layout: 'nchw', mean: 0, std: 1 });
    const four = warpToTensor(spot, rectMap({ x: 0, y: 0, width: 4, height: 4 }, 1, 1), 1, 1, { layout: 'nchw', mean: 0, std: 1, taps: 2 });
    expect(one[0]).toBe(0); // the single centre sample (1.5, 1.5) never sees the corner
    expect(four[0]).toBeCloseTo(160 / 4, 4); // one of the four taps lands on it
    // A rotated map supersamples with bilinear taps (the generic path).
    const rot = warpToTensor(spot, [0, 4, 1.5, 4, 0, 1.5], 1, 1, { layout: 'nchw', mean: 0, std: 1, taps: 2 });
    expect(rot[0]).toBeCloseTo(160 / 4 / 4, 4); // tap (2.5, 2.5) holds a quarter of the spot
  });
});
