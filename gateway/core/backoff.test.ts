import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, NO_JITTER } from './backoff.js';

describe('backoff', () => {
  it('doubles from min to max, jitter takes off up to half, the first retry included', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 500, 30_000, none))).toEqual([500, 1000, 2000, 4000, 30_000]);
    expect(backoffDelay(3, 500, 30_000, () => 1)).toBe(2000);
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(250);
    expect(backoffDelay(1000, 500, 30_000, none)).toBe(30_000);
  });

  it('without jitter doubles from min up to max exactly (camera restarts, serial and GPIO reconnects)', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, 500, 4000, NO_JITTER))).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
    const b = new Backoff(200, 1000, NO_JITTER);
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([200, 400, 800, 1000]);
    b.reset();
    expect(b.next()).toBe(200);
  });

  it('spreads 500 nodes that lost the broker together over the whole window', () => {
    const first = Array.from({ length: 500 }, () => backoffDelay(0, 500, 30_000));
    expect(Math.min(...first)).toBeGreaterThanOrEqual(250);
    expect(Math.max(...first)).toBeLessThanOrEqual(500);
    // Uniform: each 50 ms slice of [250, 500] gets about a fifth of them, none gets them all.
    const slices = [0, 1, 2, 3, 4].map((k) => first.filter((d) => d >= 250 + 50 * k && d < 300 + 50 * k).length);
    for (const n of slices) expect(n).toBeLessThan(200);
  });
});
