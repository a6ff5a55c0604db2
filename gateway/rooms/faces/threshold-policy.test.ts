import { describe, expect, it } from 'vitest';
import { DEFAULT_GALLERY_SCALING, knownThresholdFor, passageLooks, passageThresholdFor } from './threshold-policy.js';
import { parseConfig } from '../../config/load.js';

describe('knownThresholdFor', () => {
  const scaling = { referenceSize: 50, risePerDecade: 0.05 };
  it('is the configured threshold up to the reference size', () => {
    expect(knownThresholdFor(0.44, 0, scaling)).toBe(0.44);
    expect(knownThresholdFor(0.44, 50, scaling)).toBe(0.44);
  });
  it('rises by risePerDecade for each tenfold growth beyond it', () => {
    expect(knownThresholdFor(0.44, 500, scaling)).toBe(0.49);
    expect(knownThresholdFor(0.44, 5000, scaling)).toBe(0.54);
    expect(knownThresholdFor(0.44, 1500, scaling)).toBeCloseTo(0.514, 3);
    expect(knownThresholdFor(0.44, 500, { ...scaling, risePerDecade: 0 })).toBe(0.44);
  });
  it('the defaults are the fitted ones (policy_fit of eval faces on the dev set)', () => {
    expect(DEFAULT_GALLERY_SCALING).toEqual({ referenceSize: 50, risePerDecade: 0.077 });
    const cfg = parseConfig('', { source: 'test', baseDir: '/tmp', env: {} }).config.faces;
    expect([cfg.threshold, cfg.gallery.risePerDecade]).toEqual([0.472, 0.077]);
  });
  it('never exceeds 1', () => {
    expect(knownThresholdFor(0.95, 1e9, { referenceSize: 1, risePerDecade: 0.3 })).toBe(1);
  });
});

describe('passageLooks / passageThresholdFor', () => {
  const scaling = { referenceSize: 50, risePerDecade: 0.077 };
  const tracking = { minFrames: 2, maxFrames: 10, singleFrameMargin: 0.12 };
  it('counts two multi-frame looks and the one-frame looks by how much thinner the tail is at the margin', () => {
    expect(passageLooks(tracking, 0.077)).toBeCloseTo(2 + 10 * 10 ** (-0.12 / 0.077), 6); // 2.28
    expect(passageLooks({ ...tracking, singleFrameMargin: 1 }, 0.077)).toBe(2); // one-frame decisions off
    expect(passageLooks({ minFrames: 5, maxFrames: 5 }, 0.077)).toBe(1); // one multi-frame look only
  });
  it('is the one-look threshold for a gallery that many times larger (never lower than the one-look one)', () => {
    const looks = passageLooks(tracking, 0.077);
    expect(passageThresholdFor(0.472, 10, scaling, tracking)).toBe(0.472); // 23 < 50: still the reference threshold
    expect(passageThresholdFor(0.472, 46, scaling, tracking)).toBe(knownThresholdFor(0.472, 46 * looks, scaling));
    expect(passageThresholdFor(0.472, 46, scaling, tracking)).toBeCloseTo(0.472 + 0.077 * Math.log10((46 * looks) / 50), 3);
    expect(passageThresholdFor(0.472, 1500, scaling, tracking)).toBeGreaterThan(knownThresholdFor(0.472, 1500, scaling));
  });
});
