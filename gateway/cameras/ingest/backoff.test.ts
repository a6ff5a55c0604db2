import { describe, expect, it } from 'vitest';
import { restartDelayMs } from './backoff.js';

describe('restartDelayMs', () => {
  it('doubles from min up to max', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => restartDelayMs(n, 500, 4000))).toEqual([500, 1000, 2000, 4000, 4000, 4000, 4000]);
  });
});
