import { describe, expect, it } from 'vitest';
import { applyHomography, convexHull, homography, minAreaRect, rectCorners, resizeBilinear, warpQuad } from './geometry.js';
import { findTextRegions, scaleRect } from './db-postprocess.js';
import { hconcat, pickCandidates, twoRowFromBottom } from './candidates.js';

describe('geometry', () => {
  it('hull drops interior points', () => {
    const h = convexHull([
      { x: 0, y: 0 },
      { x: 4, y: 0 },
      { x: 4, y: 2 },
      { x: 0, y: 2 },
      { x: 2, y: 1 },
    ]);
    expect(h).toHaveLength(4);
  });

  it('finds the rotated rectangle of rotated points', () => {
    const a = (20 * Math.PI) / 180;
    const pts = [];
    for (let u = -50; u <= 50; u += 5)
      for (let v = -10; v <= 10; v += 5)
        pts.push({ x: 200 + u * Math.cos(a) - v * Math.sin(a), y: 100 + u * Math.sin(a) + v * Math.cos(a) });
    const r = minAreaRect(pts);
    expect(r.w).toBeCloseTo(100, 3);
    expect(r.h).toBeCloseTo(20, 3);
    expect(r.cx).toBeCloseTo(200, 3);
    expect(r.cy).toBeCloseTo(100, 3);
    expect(r.angle).toBeCloseTo(a, 3);
  });

  it('keeps a steep rectangle reading left to right (long side first)', () => {
    const r = minAreaRect([
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 40 },
      { x: 0, y: 40 },
    ]);
    expect(r.w).toBeCloseTo(40);
    expect(Math.abs(r.angle)).toBeCloseTo(Math.PI / 2);
  });

  it('homography maps the four corners', () => {
    const from = [
      { x: 0, y: 0 },
      { x: 10, y: 0 },
      { x: 10, y: 5 },
      { x: 0, y: 5 },
    ];
    const to = [
      { x: 3, y: 1 },
      { x: 40, y: 6 },
      { x: 38, y: 20 },
      { x: 1, y: 15 },
    ];
    const H = homography(from, to);
    from.forEach((p, i) => {
      const q = applyHomography(H, p);
      expect(q.x).toBeCloseTo(to[i]!.x, 6);
      expect(q.y).toBeCloseTo(to[i]!.y, 6);
    });
  });

  it('warps a skewed region upright', () => {
    // A 60x20 image: left half black, right half white; warp the right half to 10x4.
    const W = 60;
    const H = 20;
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 30; x < W; x++) data.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
    const img = { width: W, height: H, data };
    const out = warpQuad(
      img,
      [
        { x: 32, y: 0 },
        { x: 60, y: 0 },
        { x: 60, y: 20 },
        { x: 32, y: 20 },
      ],
      10,
      4,
    );
    expect(out.width).toBe(10);
    expect([...out.data].every((v) => v === 255)).toBe(true);
    const small = resizeBilinear(img, 6, 2);
    expect(small.data[0]).toBe(0);
    expect(small.data[(6 * 2 - 1) * 3]).toBe(255);
    expect(rectCorners({ cx: 5, cy: 5, w: 4, h: 2, angle: 0 })[0]).toEqual({ x: 3, y: 4 });
  });
});

describe('DB post-processing and candidates', () => {
  /** A probability map with filled rectangles [x, y, w, h, p]. */
  function map(cols: number, rows: number, rects: number[][]): Float32Array {
    const m = new Float32Array(cols * rows);
    for (const [x0, y0, w, h, p] of rects) for (let y = y0!; y < y0! + h!; y++) for (let x = x0!; x < x0! + w!; x++) m[y * cols + x] = p!;
    return m;
  }

  it('finds components, scores and grows them', () => {
    const regions = findTextRegions(
      map(100, 60, [
        [10, 10, 40, 10, 0.9],
        [70, 40, 5, 5, 0.2],
        [60, 30, 2, 2, 0.9],
      ]),
      100,
      60,
    );
    expect(regions).toHaveLength(1); // the dim one and the tiny one are dropped
    const r = regions[0]!;
    expect(r.raw.w).toBeCloseTo(40);
    expect(r.raw.h).toBeCloseTo(10);
    expect(r.score).toBeCloseTo(0.9);
    expect(r.grown.h).toBeGreaterThan(r.raw.h);
    const s = scaleRect(r.raw, 2, 2);
    expect(s.w).toBeCloseTo(80);
    expect(s.cx).toBeCloseTo(60);
  });

  it('keeps plate-shaped regions and pairs two-row plates', () => {
    const regions = findTextRegions(
      map(200, 120, [
        [20, 10, 60, 15, 0.9],
        [104, 20, 24, 10, 0.9],
        [100, 34, 64, 14, 0.9],
        [10, 80, 10, 30, 0.9],
      ]),
      200,
      120,
    );
    const c = pickCandidates(regions, { minHeight: 4 });
    expect(c.filter((x) => x.kind === 'single')).toHaveLength(2); // the 60x15 line and the bottom row; the vertical bar is not a plate
    expect(c.filter((x) => x.kind === 'two-row')).toHaveLength(1);
    const joined = hconcat([
      { width: 3, height: 2, data: new Uint8Array(18).fill(1) },
      { width: 2, height: 2, data: new Uint8Array(12).fill(2) },
    ]);
    expect(joined.width).toBe(5);
    // A top row guessed above a lone serial row: centred, above it, narrower.
    const two = twoRowFromBottom({ cx: 100, cy: 100, w: 80, h: 20, angle: 0 }, 0.9);
    expect(two.kind).toBe('two-row');
    expect(two.rows[0]!.cy).toBeLessThan(100);
    expect(two.rows[0]!.cx).toBeCloseTo(100);
    expect(two.rows[0]!.w).toBeLessThan(80);
    expect(two.quad[0].y).toBeLessThan(90);
    expect(two.quad[2].y).toBeCloseTo(110);
    expect([...joined.data.subarray(0, 15)]).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]);
  });
});
