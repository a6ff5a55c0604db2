import { describe, expect, it } from 'vitest';
import { IouTracker } from './tracker.js';

const box = (x: number, y = 0, s = 100) => ({ x1: x, y1: y, x2: x + s, y2: y + s });

describe('IouTracker', () => {
  it('follows a moving face, separates two faces, and ends tracks after the gap', () => {
    const t = new IouTracker({ minIou: 0.3, maxGapMs: 1000 });
    const f1 = t.update([box(0), box(500)], 0);
    expect(f1.trackIds).toEqual([1, 2]);
    const f2 = t.update([box(520), box(10)], 200); // order swapped, both moved a little
    expect(f2.trackIds).toEqual([2, 1]);
    const f3 = t.update([box(300)], 400); // no overlap with either: a new person
    expect(f3.trackIds).toEqual([3]);
    expect(f3.ended).toEqual([]);
    const f4 = t.update([], 1300); // tracks 1 and 2 last seen at 200
    expect(f4.ended.map((x) => x.id).sort()).toEqual([1, 2]);
    expect(t.live.map((x) => x.id)).toEqual([3]);
    expect(t.expire(1500).map((x) => x.id)).toEqual([3]);
  });

  it('gives each track at most one face per frame (the better overlap wins)', () => {
    const t = new IouTracker({ minIou: 0.3, maxGapMs: 1000 });
    t.update([box(0)], 0);
    const r = t.update([box(40), box(5)], 100);
    expect(r.trackIds).toEqual([2, 1]);
    expect(t.live.find((x) => x.id === 1)!.hits).toBe(2);
  });
});
