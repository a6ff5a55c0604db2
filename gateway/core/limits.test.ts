import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, RateLimiter } from './limits.js';

describe('work limits', () => {
  it('refuse requests beyond the concurrency limit until one ends', () => {
    const c = new ConcurrencyLimit(2);
    const r1 = c.acquire();
    const r2 = c.acquire();
    expect(c.acquire()).toBeUndefined();
    r1?.();
    r1?.(); // releasing twice frees one slot only
    expect(c.acquire()).toBeDefined();
    expect(c.acquire()).toBeUndefined();
    r2?.();
  });
  it('rate-limit each user and action, with a burst, and say how long to wait', () => {
    const r = new RateLimiter();
    const perMinute = 30; // burst 5
    const allowed = Array.from({ length: 7 }, () => r.take('u1:gate/open', perMinute, 0)).filter((w) => w === 0).length;
    expect(allowed).toBe(5);
    expect(r.take('u1:gate/open', perMinute, 0)).toBe(2000);
    expect(r.take('u2:gate/open', perMinute, 0)).toBe(0); // another user
    expect(r.take('u1:gate/open', perMinute, 2000)).toBe(0); // one token back after 2 s
  });
});
