import { describe, expect, it } from 'vitest';
import { Debouncer } from './debounce.js';

describe('Debouncer', () => {
  it('reports a press at once, swallows bounce inside the window', () => {
    const d = new Debouncer(50);
    expect(d.update(true, 0)).toBe(true);
    expect(d.update(false, 5)).toBeUndefined();
    expect(d.update(true, 8)).toBeUndefined();
    expect(d.wakeAt).toBeUndefined(); // latest equals reported: nothing pending
    expect(d.settle(50)).toBeUndefined();
  });
  it('reports the final state when the window ends if it changed', () => {
    const d = new Debouncer(50);
    d.update(true, 0);
    d.update(false, 20);
    expect(d.wakeAt).toBe(50);
    expect(d.settle(49)).toBeUndefined();
    expect(d.settle(50)).toBe(false);
    expect(d.state).toBe(false);
  });
  it('ignores repeats of the reported state', () => {
    const d = new Debouncer(10);
    expect(d.update(false, 0)).toBeUndefined();
    expect(d.update(true, 100)).toBe(true);
    expect(d.update(true, 200)).toBeUndefined();
    expect(d.update(false, 300)).toBe(false);
  });
});
