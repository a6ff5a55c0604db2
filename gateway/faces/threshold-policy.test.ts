import { describe, expect, it } from 'vitest';
import { knownThresholdFor } from './threshold-policy.js';

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
  it('never exceeds 1', () => {
    expect(knownThresholdFor(0.95, 1e9, { referenceSize: 1, risePerDecade: 0.3 })).toBe(1);
  });
});
