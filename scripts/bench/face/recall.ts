/**
 * The index against brute force (pure): for each query, the exact best entry by float32 cosine
 * over the same gallery, and whether the index's top-1 is that entry (recall@1) or at least the
 * same person (a near-twin view of the right person counts there, not in recall@1).
 * `decisive_recall_at_1` counts only queries whose best similarity reaches `floor` (below every
 * threshold the daemon uses, so these are the searches a decision depends on): the index must
 * return the same person, within 0.01 of the best similarity (int8 rounding of near-twin views).
 */
import type { SearchHit } from '../../../gateway/rooms/faces/index/gallery-index.js';

export interface FlatGallery {
  dim: number;
  count: number;
  /** count x dim unit vectors, row-major. */
  data: Float32Array;
  id(i: number): string;
  person(i: number): string;
}

export interface Query {
  v: Float32Array;
  /** The person it is a photo of; undefined for a stranger (nowhere in the gallery). */
  person?: string;
}

/** Index of the entry with the highest dot product, and that dot product. */
export function bruteBest(g: FlatGallery, q: Float32Array): { i: number; s: number } {
  const { dim, data } = g;
  let best = -1;
  let bestS = -Infinity;
  for (let i = 0, o = 0; i < g.count; i++, o += dim) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d += 4) {
      s0 += q[d]! * data[o + d]!;
      s1 += q[d + 1]! * data[o + d + 1]!;
      s2 += q[d + 2]! * data[o + d + 2]!;
      s3 += q[d + 3]! * data[o + d + 3]!;
    }
    const s = s0 + s1 + s2 + s3;
    if (s > bestS) {
      bestS = s;
      best = i;
    }
  }
  return { i: best, s: bestS };
}

export interface RecallReport {
  queries: number;
  recall_at_1: number;
  person_recall_at_1: number;
  decisive_queries: number;
  decisive_recall_at_1: number;
  /** Genuine probes whose brute-force top-1 is their own person, and how many of those the index also finds. */
  genuine_right_brute: number;
  genuine_right_index: number;
  genuine: number;
  /** Mean over queries of (brute-force best similarity - float similarity of the index's top-1). */
  mean_similarity_lost: number;
  misses: Array<{ query: number; brute: string; index: string; brute_s: number; index_s: number }>;
}

/** Compares index hits (one per query) with brute-force bests computed once by `bruteBest`. */
export function compare(
  g: FlatGallery,
  queries: readonly Query[],
  brute: ReadonlyArray<{ i: number; s: number }>,
  hits: ReadonlyArray<SearchHit | undefined>,
  indexOf: (id: string) => number,
  floor: number,
): RecallReport {
  let decisive = 0;
  let decisiveKept = 0;
  let agree = 0;
  let samePerson = 0;
  let genuine = 0;
  let rightBrute = 0;
  let rightIndex = 0;
  let lost = 0;
  const misses: RecallReport['misses'] = [];
  queries.forEach((q, n) => {
    const b = brute[n]!;
    const hit = hits[n];
    const hi = hit ? indexOf(hit.id) : -1;
    let hs = -1;
    if (hi >= 0) {
      hs = 0;
      const o = hi * g.dim;
      for (let d = 0; d < g.dim; d++) hs += q.v[d]! * g.data[o + d]!;
    }
    lost += b.s - hs;
    if (hi === b.i) agree++;
    else if (misses.length < 10)
      misses.push({ query: n, brute: g.id(b.i), index: hi >= 0 ? g.id(hi) : '-', brute_s: round(b.s), index_s: round(hs) });
    if (hi >= 0 && g.person(hi) === g.person(b.i)) samePerson++;
    if (b.s >= floor) {
      decisive++;
      if (hi >= 0 && g.person(hi) === g.person(b.i) && b.s - hs <= 0.01) decisiveKept++;
    }
    if (q.person !== undefined) {
      genuine++;
      if (g.person(b.i) === q.person) {
        rightBrute++;
        if (hi >= 0 && g.person(hi) === q.person) rightIndex++;
      }
    }
  });
  return {
    queries: queries.length,
    recall_at_1: round(agree / queries.length),
    person_recall_at_1: round(samePerson / queries.length),
    decisive_queries: decisive,
    decisive_recall_at_1: decisive ? round(decisiveKept / decisive) : 1,
    genuine_right_brute: rightBrute,
    genuine_right_index: rightIndex,
    genuine,
    mean_similarity_lost: Math.round((lost / queries.length) * 1e5) / 1e5,
    misses,
  };
}

const round = (x: number) => Math.round(x * 10000) / 10000;
