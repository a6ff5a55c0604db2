import { describe, expect, it } from 'vitest';
import { blendInto, flatten } from './compose.js';
import { ovalAlpha } from './sprites.js';

const rgb = (w: number, h: number, v = 0) => ({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(v) });
const rgba = (w: number, h: number, c: [number, number, number, number]) => {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(c, i * 4);
  return { width: w, height: h, data };
};

describe('composing demo frames', () => {
  it('blends by alpha and clips a sprite that reaches outside the frame', () => {
    const base = rgb(4, 3, 100);
    blendInto(base, rgba(3, 3, [200, 0, 0, 255]), -1, 1, 0.5);
    const px = (x: number, y: number) => [...base.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
    expect(px(0, 0)).toEqual([100, 100, 100]); // above the sprite
    expect(px(0, 1)).toEqual([150, 50, 50]); // half-way to red
    expect(px(1, 2)).toEqual([150, 50, 50]);
    expect(px(2, 1)).toEqual([100, 100, 100]); // right of it (only 2 of its 3 columns are inside)
    blendInto(base, rgba(2, 2, [0, 0, 0, 255]), 10, 10); // wholly outside: nothing
    blendInto(base, rgba(2, 2, [0, 0, 0, 0]), 0, 0); // transparent: nothing
    expect(px(0, 0)).toEqual([100, 100, 100]);
  });

  it('flattens a transparent drawing onto a background colour', () => {
    expect([...flatten(rgba(1, 1, [255, 255, 255, 51]), [0, 0, 0]).data]).toEqual([51, 51, 51]);
  });

  it('cuts a walker out with a soft oval that fades out at the bottom', () => {
    const a = ovalAlpha(100, 100, { cx: 50, cy: 50, rx: 50, ry: 50, feather: 0.2, bottomFade: 10 });
    expect(a[50 * 100 + 50]).toBe(255); // centre
    expect(a[0]).toBe(0); // corner, outside the oval
    expect(a[50 * 100 + 5]!).toBeGreaterThan(0); // inside the feather
    expect(a[50 * 100 + 5]!).toBeLessThan(255);
    expect(a[99 * 100 + 50]).toBe(0); // bottom row
  });
});
