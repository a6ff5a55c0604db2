import { describe, expect, it } from 'vitest';
import { ARCFACE_112, alignmentMap, estimateSimilarity, fivePointsFrom68 } from './align.js';
import { applyAffine, invertAffine, type Affine } from './geometry.js';

describe('5-point similarity alignment', () => {
  it('recovers a known scale, rotation and translation exactly', () => {
    const s = 2.5;
    const th = (20 * Math.PI) / 180;
    const truth: Affine = [s * Math.cos(th), -s * Math.sin(th), 40, s * Math.sin(th), s * Math.cos(th), -7];
    const src = ARCFACE_112;
    const dst = src.map((p) => applyAffine(truth, p));
    const m = estimateSimilarity(src, dst);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
  });

  it('maps the template back onto the face points (aligned crop pixel -> image pixel)', () => {
    const face = [
      { x: 200, y: 300 },
      { x: 260, y: 302 },
      { x: 231, y: 335 },
      { x: 205, y: 370 },
      { x: 255, y: 371 },
    ];
    const map = alignmentMap(face);
    const back = ARCFACE_112.map((p) => applyAffine(map, p));
    // Least squares over 5 points: not exact, but within a few pixels for a plausible face.
    back.forEach((p, i) => {
      expect(Math.abs(p.x - face[i]!.x)).toBeLessThan(4);
      expect(Math.abs(p.y - face[i]!.y)).toBeLessThan(4);
    });
    // A similarity: no shear, equal scale on both axes.
    const [a, b, , d, e] = invertAffine(map);
    expect(a).toBeCloseTo(e, 9);
    expect(b).toBeCloseTo(-d, 9);
  });

  it('takes eye centres, nose tip and mouth corners from the 68-point layout', () => {
    const pts = Array.from({ length: 68 }, (_, i) => ({ x: i, y: 2 * i }));
    const five = fivePointsFrom68(pts);
    expect(five).toEqual([
      { x: 38.5, y: 77 },
      { x: 44.5, y: 89 },
      { x: 30, y: 60 },
      { x: 48, y: 96 },
      { x: 54, y: 108 },
    ]);
    expect(() => fivePointsFrom68(pts.slice(1))).toThrow(/68/);
  });

  it('refuses degenerate points', () => {
    const p = { x: 1, y: 1 };
    expect(() => estimateSimilarity([p, p, p], ARCFACE_112.slice(0, 3))).toThrow(/degenerate/);
  });
});
