import { describe, expect, it } from 'vitest';
import { GalleryIndex } from '../../../gateway/rooms/faces/index/gallery-index.js';
import { bruteBest, compare, type FlatGallery } from './recall.js';

/** A gallery of unit vectors along axes 0..n-1 (32-d), person = id without its view suffix. */
function axes(ids: string[]): FlatGallery {
  const dim = 32;
  const data = new Float32Array(ids.length * dim);
  ids.forEach((_, i) => (data[i * dim + i] = 1));
  return { dim, count: ids.length, data, id: (i) => ids[i]!, person: (i) => ids[i]!.split('#')[0]! };
}
const unit = (xs: number[]) => {
  const v = new Float32Array(32);
  xs.forEach((x, i) => (v[i] = x));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('recall against brute force', () => {
  const g = axes(['a#0', 'a#1', 'b#0', 'c#0']);
  const queries = [
    { v: unit([0.9, 0.1]), person: 'a' },
    { v: unit([0, 0, 1, 0.2]), person: 'b' },
    { v: unit([0, 0, 0.1, 0.3, 0, 0, 0, 0, 1]) },
  ];
  const brute = queries.map((q) => bruteBest(g, q.v));
  const indexOf = (id: string) => ['a#0', 'a#1', 'b#0', 'c#0'].indexOf(id);

  it('finds the exact best entry', () => {
    expect(brute.map((b) => g.id(b.i))).toEqual(['a#0', 'b#0', 'c#0']);
  });

  it('counts a hit on the best entry, a near-twin view of the same person only as person recall, and a wrong person as a miss', () => {
    const hits = [
      { id: 'a#1', similarity: 0 },
      { id: 'b#0', similarity: 0 },
      { id: 'b#0', similarity: 0 },
    ];
    const r = compare(g, queries, brute, hits, indexOf, 0.5);
    expect(r.recall_at_1).toBeCloseTo(1 / 3, 3);
    expect(r.person_recall_at_1).toBeCloseTo(2 / 3, 3);
    expect(r.genuine).toBe(2);
    expect(r.genuine_right_brute).toBe(2);
    expect(r.genuine_right_index).toBe(2); // a near-twin view of the right person still names them
    // Decisive: the two genuine queries (the stranger's best is 0.28); the first lost 0.88 of similarity on a#1.
    expect(r.decisive_queries).toBe(2);
    expect(r.decisive_recall_at_1).toBe(0.5);
    expect(r.misses.map((m) => m.index)).toEqual(['a#1', 'b#0']);
  });

  it("the daemon's index agrees with brute force on a small gallery (scored exactly)", () => {
    const index = new GalleryIndex({ dim: 32 });
    for (let i = 0; i < g.count; i++) index.upsert(g.id(i), g.data.subarray(i * 32, (i + 1) * 32));
    const r = compare(
      g,
      queries,
      brute,
      queries.map((q) => index.search(q.v, 1)[0]),
      indexOf,
      0.5,
    );
    expect(r.recall_at_1).toBe(1);
    expect(r.decisive_recall_at_1).toBe(1);
  });
});
