import { describe, expect, it } from 'vitest';
import { GalleryIndex } from './gallery-index.js';
import { seededRandom } from '../../../testing/seeded-random.js';

function gaussian(r: () => number) {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}
function unitVec(r: () => number, dim: number) {
  const v = Float32Array.from({ length: dim }, () => gaussian(r));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
/** A vector at cosine ~`cos` from v. */
function near(r: () => number, v: Float32Array, cos: number) {
  const noise = unitVec(r, v.length);
  const s = Math.sqrt(1 - cos * cos);
  const out = v.map((x, i) => cos * x + s * noise[i]!);
  const n = Math.hypot(...out);
  return out.map((x) => x / n);
}
function brute(gallery: Map<string, Float32Array>, q: Float32Array) {
  let best = { id: '', s: -2 };
  for (const [id, v] of gallery) {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i]! * q[i]!;
    if (s > best.s) best = { id, s };
  }
  return best;
}

describe('GalleryIndex', () => {
  it('exact mode (small gallery) agrees with brute-force cosine, to int8 precision', () => {
    const r = seededRandom(1);
    const idx = new GalleryIndex({ dim: 64 });
    const gallery = new Map<string, Float32Array>();
    for (let i = 0; i < 200; i++) {
      const v = unitVec(r, 64);
      gallery.set(`p${i}`, v);
      idx.upsert(`p${i}`, v);
    }
    for (let k = 0; k < 50; k++) {
      const q = unitVec(r, 64);
      const b = brute(gallery, q);
      const hit = idx.search(q, 1)[0]!;
      expect(hit.similarity).toBeCloseTo(b.s, 1);
      expect(Math.abs(idx.similarity(b.id, q)! - b.s)).toBeLessThan(0.02);
    }
  });

  it('code prefilter (large gallery) finds the planted match at the similarity of a real match', () => {
    const r = seededRandom(2);
    const dim = 512;
    const idx = new GalleryIndex({ dim, exactBelow: 100, candidates: 32 });
    const gallery = new Map<string, Float32Array>();
    for (let i = 0; i < 3000; i++) {
      const v = unitVec(r, dim);
      gallery.set(`p${i}`, v);
      idx.upsert(`p${i}`, v);
    }
    for (let k = 0; k < 40; k++) {
      const target = `p${Math.floor(r() * 3000)}`;
      const q = near(r, gallery.get(target)!, 0.4); // a weak genuine match (threshold is 0.43)
      const b = brute(gallery, q);
      expect(b.id).toBe(target);
      const hit = idx.search(q, 3);
      expect(hit[0]!.id).toBe(target);
      expect(hit[0]!.similarity).toBeCloseTo(b.s, 1);
      expect(hit[0]!.similarity).toBeGreaterThanOrEqual(hit[1]!.similarity);
    }
  });

  it('updates incrementally: replace, remove (the moved entry stays findable), clear', () => {
    const r = seededRandom(3);
    const idx = new GalleryIndex({ dim: 32 });
    const a = unitVec(r, 32);
    const b = unitVec(r, 32);
    const c = unitVec(r, 32);
    idx.upsert('a', a);
    idx.upsert('b', b);
    idx.upsert('c', c);
    expect(idx.size).toBe(3);
    expect(idx.search(b)[0]!.id).toBe('b');
    idx.upsert('b', c); // replaced
    expect(idx.size).toBe(3);
    expect(idx.similarity('b', c)!).toBeGreaterThan(0.99);
    expect(idx.remove('a')).toBe(true); // 'c' moves into a's slot
    expect(idx.remove('a')).toBe(false);
    expect(idx.has('a')).toBe(false);
    expect(idx.similarity('c', c)!).toBeGreaterThan(0.99);
    expect(
      idx
        .search(a, 5)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['b', 'c']);
    idx.clear();
    expect(idx.search(a)).toEqual([]);
    expect(() => idx.search(new Float32Array(3))).toThrow(/expected 32/);
  });

  it('grows past its initial capacity', () => {
    const r = seededRandom(4);
    const idx = new GalleryIndex({ dim: 32 });
    const vs = Array.from({ length: 300 }, () => unitVec(r, 32));
    vs.forEach((v, i) => idx.upsert(String(i), v));
    expect(idx.size).toBe(300);
    expect(idx.search(vs[257]!)[0]!.id).toBe('257');
  });
});

describe("a gate's restricted search (access groups)", () => {
  it('finds the best among the allowed ids only, exactly for a small group and by codes for a large one', () => {
    const r = seededRandom(7);
    const index = new GalleryIndex({ dim: 512, exactBelow: 256 });
    const gallery = new Map<string, Float32Array>();
    for (let i = 0; i < 3000; i++) {
      const v = unitVec(r, 512);
      gallery.set(`r${i}`, v);
      index.upsert(`r${i}`, v);
    }
    const small = new Set(['r1', 'r2', 'r3', 'r2999', 'absent']);
    const large = new Set([...gallery.keys()].filter((_, i) => i % 3 === 0));
    for (const among of [small, large]) {
      const sub = new Map([...gallery].filter(([id]) => among.has(id)));
      for (let q = 0; q < 20; q++) {
        // A probe of somebody outside the group (their nearest entry overall is not allowed) and one of a member.
        const outsider = near(r, gallery.get(`r${3 * q + 1}`)!, 0.6);
        const member = near(r, sub.get([...sub.keys()][q % sub.size]!)!, 0.5);
        for (const probe of [outsider, member]) {
          const hit = index.search(probe, 1, among)[0]!;
          expect(among.has(hit.id)).toBe(true);
          // The code scan guarantees real matches, not the order of near-ties among strangers (cosine ~0.1).
          if (among === small || probe === member) expect(hit.id).toBe(brute(sub, probe).id);
        }
      }
    }
  });
});
