import { describe, expect, it } from 'vitest';
import { DEFAULT_GALLERY_SCALING, knownThresholdFor } from './threshold-policy.js';
import { parseConfig } from '../config/load.js';

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
