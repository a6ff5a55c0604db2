import { describe, expect, it } from 'vitest';
import { assessQuality, laplacianVariance, poseFrom5 } from './quality.js';

const frontal = [
  { x: 100, y: 100 },
  { x: 160, y: 100 },
  { x: 130, y: 135 },
  { x: 108, y: 165 },
  { x: 152, y: 165 },
];
const limits = { minFacePx: 48, minEyeDistancePx: 20, maxYaw: 0.6, pitchRange: [0.2, 0.85] as const, minSharpness: 40 };

describe('quality gates', () => {
  it('a frontal face has yaw 0 and a mid pitch ratio; a turned one does not', () => {
    const p = poseFrom5(frontal);
    expect(p.yaw).toBeCloseTo(0, 6);
    expect(p.pitch).toBeCloseTo(35 / 65, 6);
    expect(p.eyeDistance).toBe(60);
    const turned = frontal.map((q, i) => (i === 2 ? { x: 158, y: 135 } : q));
    expect(poseFrom5(turned).yaw).toBeCloseTo((58 / 60 - 0.5) * 2, 6);
  });

  it('roll does not change yaw or pitch', () => {
    const th = 0.5;
    const rot = frontal.map((q) => ({ x: q.x * Math.cos(th) - q.y * Math.sin(th), y: q.x * Math.sin(th) + q.y * Math.cos(th) }));
    const p = poseFrom5(rot);
    expect(p.yaw).toBeCloseTo(0, 6);
    expect(p.pitch).toBeCloseTo(35 / 65, 6);
  });

  it('sharpness: a flat patch has none, a checkerboard a lot', () => {
    const flat = new Float32Array(16 * 16).fill(100);
    expect(laplacianVariance(flat, 16, 16)).toBe(0);
    const checker = Float32Array.from({ length: 256 }, (_, i) => (((i % 16) + Math.floor(i / 16)) % 2 ? 255 : 0));
    expect(laplacianVariance(checker, 16, 16)).toBeGreaterThan(10_000);
  });

  it('names every problem in words', () => {
    const ok = assessQuality({ box: { x1: 80, y1: 60, x2: 180, y2: 200 }, points5: frontal, sharpness: 300 }, limits);
    expect(ok.problems).toEqual([]);
    const bad = assessQuality(
      { box: { x1: 0, y1: 0, x2: 30, y2: 30 }, points5: frontal.map((q) => ({ x: q.x / 4, y: q.y / 4 })), sharpness: 5 },
      limits,
    );
    expect(bad.problems.join('\n')).toMatch(/too small[\s\S]*eyes too close[\s\S]*blurred/);
    expect(bad.tooSmall).toBe(true);
  });

  it('tells a face too small to describe from one only blurred (the stream keeps the latter as weak evidence)', () => {
    const box = { x1: 80, y1: 60, x2: 180, y2: 200 };
    const blurred = assessQuality({ box, points5: frontal, sharpness: 5 }, limits);
    expect([blurred.problems.length, blurred.tooSmall]).toEqual([1, false]);
    expect(assessQuality({ box, points5: frontal, sharpness: 300 }, limits).tooSmall).toBe(false);
  });
});
