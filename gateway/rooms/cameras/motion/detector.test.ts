import { describe, expect, it } from 'vitest';
import { MotionDetector, type MotionSettings } from './detector.js';

const W = 320;
const H = 180;
const base: MotionSettings = { enabled: true, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] };

function frame(square?: { x: number; y: number; size: number }): Buffer {
  const buf = Buffer.alloc(W * H * 3, 40);
  if (square) {
    for (let y = square.y; y < square.y + square.size; y++)
      for (let x = square.x; x < square.x + square.size; x++) buf.fill(220, (y * W + x) * 3, (y * W + x) * 3 + 3);
  }
  return buf;
}

describe('MotionDetector', () => {
  it('sees nothing in a still scene and a moving object where it is', () => {
    const d = new MotionDetector(base, W, H);
    expect(d.detect(frame()).motion).toBe(false); // primes the background
    expect(d.detect(frame()).motion).toBe(false);
    const r = d.detect(frame({ x: 200, y: 100, size: 30 }));
    expect(r.motion).toBe(true);
    expect(r.regions).toEqual(['frame']);
    expect(r.roi!.x).toBeGreaterThanOrEqual(196);
    expect(r.roi!.x).toBeLessThanOrEqual(200);
    expect(r.roi!.x + r.roi!.width).toBeGreaterThanOrEqual(228);
    expect(r.roi!.y + r.roi!.height).toBeLessThanOrEqual(H);
  });

  it('ignores motion under a mask and outside the regions of interest', () => {
    const masked = new MotionDetector({ ...base, masks: [[0.5, 0.5, 0.5, 0.5]] }, W, H);
    masked.detect(frame());
    expect(masked.detect(frame({ x: 200, y: 100, size: 30 })).motion).toBe(false);

    const roi = new MotionDetector(
      {
        ...base,
        regions: [
          { name: 'lane-1', gate: 'gate-1', rect: [0, 0, 0.4, 1] },
          { name: 'lane-2', rect: [0.6, 0, 0.4, 1] },
        ],
      },
      W,
      H,
    );
    roi.detect(frame());
    const r = roi.detect(frame({ x: 250, y: 20, size: 30 }));
    expect(r.regions).toEqual(['lane-2']);
    const none = new MotionDetector({ ...base, regions: [{ name: 'lane-1', rect: [0, 0, 0.4, 1] }] }, W, H);
    none.detect(frame());
    expect(none.detect(frame({ x: 250, y: 20, size: 30 })).motion).toBe(false);
  });

  it('ignores tiny changes below minAreaRatio and adapts to a scene that stays changed', () => {
    const d = new MotionDetector(base, W, H);
    d.detect(frame());
    expect(d.detect(frame({ x: 10, y: 10, size: 2 })).motion).toBe(false);
    let last = true;
    for (let i = 0; i < 80; i++) last = d.detect(frame({ x: 100, y: 50, size: 40 })).motion;
    expect(last).toBe(false);
  });

  it('passes every frame when disabled', () => {
    const d = new MotionDetector({ ...base, enabled: false }, W, H);
    d.detect(frame());
    expect(d.detect(frame()).motion).toBe(true);
  });
});
