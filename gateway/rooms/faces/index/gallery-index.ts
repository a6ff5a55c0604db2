/**
 * In-memory 1:N search over unit-length face templates (one entry per resident), updated
 * incrementally. Each entry is kept twice, compactly:
 *   - a sign code (1 bit per dimension, 64 bytes for 512-d) scanned with XOR + popcount; the
 *     Hamming distance of sign codes tracks the angle between vectors, so the true best match
 *     is among the `candidates` nearest codes whenever it is a real match (first pass on 256
 *     bits of every code keeping a wide shortlist, second pass on the whole code);
 *   - int8 values with one scale per vector (512 bytes), used to rescore those candidates.
 * 100,000 residents take ~58 MB. Galleries up to `exactBelow` entries are scored exactly.
 */

export interface SearchHit {
  id: string;
  similarity: number;
}

export interface GalleryIndexOptions {
  dim: number;
  /** Below this many entries every entry is scored with int8 dot products (no code prefilter). */
  exactBelow?: number;
  /**
   * How many nearest sign codes are rescored (int8 dot products, ~1 µs each). 512: on 100,000 real
   * embeddings (`bench -- face`) 64 kept the same person within 0.01 of the best similarity for
   * only 94.6% of the searches whose best reaches 0.4; 512 for 99.6%, for ~0.5 ms more per search.
   */
  candidates?: number;
  /** How many entries survive the first (256-bit) pass of the code scan. */
  shortlist?: number;
}

/** Bits set in a 32-bit integer (SWAR; V8 inlines it). */
function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** The smallest distance d such that at least `n` entries have a distance <= d. */
function cutoff(hist: Int32Array, n: number): number {
  let acc = 0;
  for (let d = 0; d < hist.length; d++) {
    acc += hist[d]!;
    if (acc >= n) return d;
  }
  return hist.length - 1;
}

export class GalleryIndex {
  readonly dim: number;
  private readonly words: number;
  private readonly exactBelow: number;
  private readonly candidates: number;
  private readonly shortlist: number;
  private dist = new Uint16Array(0);
  private capacity = 0;
  private count = 0;
  private q8 = new Int8Array(0);
  private scales = new Float32Array(0);
  private codes = new Int32Array(0);
  /** The first `prefixWords` words of every code, contiguous, for the first scan pass. */
  private prefix = new Int32Array(0);
  private readonly prefixWords: number;
  private ids: string[] = [];
  private readonly slotOf = new Map<string, number>();

  constructor(opts: GalleryIndexOptions) {
    if (opts.dim % 32 !== 0) throw new Error('dimension must be a multiple of 32');
    this.dim = opts.dim;
    this.words = opts.dim / 32;
    this.prefixWords = Math.min(this.words, 8);
    this.exactBelow = opts.exactBelow ?? 2048;
    this.candidates = opts.candidates ?? 512;
    this.shortlist = opts.shortlist ?? 4096;
  }

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.slotOf.has(id);
  }

  /** Adds or replaces the entry of `id` (vector of length dim; it is normalised here). */
  upsert(id: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new Error(`vector has ${vector.length} values, expected ${this.dim}`);
    let slot = this.slotOf.get(id);
    if (slot === undefined) {
      if (this.count === this.capacity) this.grow();
      slot = this.count++;
      this.slotOf.set(id, slot);
      this.ids[slot] = id;
    }
    this.write(slot, vector);
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    const last = this.count - 1;
    if (slot !== last) {
      // Move the last entry into the hole.
      this.q8.copyWithin(slot * this.dim, last * this.dim, (last + 1) * this.dim);
      this.codes.copyWithin(slot * this.words, last * this.words, (last + 1) * this.words);
      this.prefix.copyWithin(slot * this.prefixWords, last * this.prefixWords, (last + 1) * this.prefixWords);
      this.scales[slot] = this.scales[last]!;
      const movedId = this.ids[last]!;
      this.ids[slot] = movedId;
      this.slotOf.set(movedId, slot);
    }
    this.q8.fill(0, last * this.dim, (last + 1) * this.dim);
    this.ids.length = last;
    this.slotOf.delete(id);
    this.count = last;
    return true;
  }

  clear(): void {
    this.count = 0;
    this.ids = [];
    this.slotOf.clear();
  }

  /**
   * The k most similar entries (cosine), best first; with `among`, only entries whose id is in it
   * (a gate's access groups): scored exactly when it is small, else by the code scan restricted to it.
   */
  search(query: Float32Array, k = 1, among?: ReadonlySet<string>): SearchHit[] {
    if (query.length !== this.dim) throw new Error(`query has ${query.length} values, expected ${this.dim}`);
    if (this.count === 0) return [];
    const q = unit(query);
    let slots: Int32Array;
    if (among && among.size <= this.exactBelow) {
      const list: number[] = [];
      for (const id of among) {
        const slot = this.slotOf.get(id);
        if (slot !== undefined) list.push(slot);
      }
      slots = Int32Array.from(list);
    } else if (this.count <= this.exactBelow) {
      const list: number[] = [];
      for (let i = 0; i < this.count; i++) if (!among || among.has(this.ids[i]!)) list.push(i);
      slots = Int32Array.from(list);
    } else {
      slots = this.nearestCodes(this.code(q), Math.max(k, this.candidates), among);
    }
    const hits: Array<{ slot: number; s: number }> = [];
    for (const slot of slots) hits.push({ slot, s: this.score(q, slot) });
    hits.sort((a, b) => b.s - a.s);
    return hits.slice(0, k).map((h) => ({ id: this.ids[h.slot]!, similarity: h.s }));
  }

  /** Exact cosine with one entry (int8 precision), or undefined if absent. */
  similarity(id: string, query: Float32Array): number | undefined {
    const slot = this.slotOf.get(id);
    return slot === undefined ? undefined : this.score(unit(query), slot);
  }

  private score(q: Float32Array, slot: number): number {
    const o = slot * this.dim;
    const v = this.q8;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < this.dim; d += 4) {
      s0 += q[d]! * v[o + d]!;
      s1 += q[d + 1]! * v[o + d + 1]!;
      s2 += q[d + 2]! * v[o + d + 2]!;
      s3 += q[d + 3]! * v[o + d + 3]!;
    }
    return (s0 + s1 + s2 + s3) * this.scales[slot]!;
  }

  /**
   * Slots of the `k` nearest sign codes, in two passes: the first `prefixWords` words (256 bits)
   * of every code, keeping the `shortlist` nearest by a histogram cut, then the whole code on
   * those. The shortlist is wide (4% of 100,000) so a real match is not lost in the first pass.
   */
  private nearestCodes(qc: Int32Array, k: number, among?: ReadonlySet<string>): Int32Array {
    if (among) return this.nearestCodesAmong(qc, k, among);
    const count = this.count;
    const words = this.words;
    const codes = this.codes;
    const prefix = this.prefix;
    const pw = this.prefixWords;
    const shortlistSize = Math.min(count, Math.max(this.shortlist, k * 8));
    if (this.dist.length < count) this.dist = new Uint16Array(this.capacity);
    const dist = this.dist;
    const hist = new Int32Array(pw * 32 + 1);
    if (pw === 8) {
      // The common case (512-d), unrolled: this loop is the whole cost of a large search.
      const q0 = qc[0]!,
        q1 = qc[1]!,
        q2 = qc[2]!,
        q3 = qc[3]!,
        q4 = qc[4]!,
        q5 = qc[5]!,
        q6 = qc[6]!,
        q7 = qc[7]!;
      for (let slot = 0, o = 0; slot < count; slot++, o += 8) {
        const d =
          popcount32(prefix[o]! ^ q0) +
          popcount32(prefix[o + 1]! ^ q1) +
          popcount32(prefix[o + 2]! ^ q2) +
          popcount32(prefix[o + 3]! ^ q3) +
          popcount32(prefix[o + 4]! ^ q4) +
          popcount32(prefix[o + 5]! ^ q5) +
          popcount32(prefix[o + 6]! ^ q6) +
          popcount32(prefix[o + 7]! ^ q7);
        dist[slot] = d;
        hist[d]!++;
      }
    } else {
      for (let slot = 0, o = 0; slot < count; slot++, o += pw) {
        let d = 0;
        for (let w = 0; w < pw; w++) d += popcount32(prefix[o + w]! ^ qc[w]!);
        dist[slot] = d;
        hist[d]!++;
      }
    }
    const cut1 = cutoff(hist, shortlistSize);
    const short: number[] = [];
    for (let slot = 0; slot < count; slot++) if (dist[slot]! <= cut1) short.push(slot);
    if (pw === words && short.length <= k) return Int32Array.from(short);
    // Second pass: full codes of the shortlist.
    const full = new Int32Array(short.length);
    const hist2 = new Int32Array(words * 32 + 1);
    for (let i = 0; i < short.length; i++) {
      const o = short[i]! * words;
      let d = 0;
      for (let w = 0; w < words; w++) d += popcount32(codes[o + w]! ^ qc[w]!);
      full[i] = d;
      hist2[d]!++;
    }
    const cut2 = cutoff(hist2, k);
    const out: number[] = [];
    for (let i = 0; i < short.length; i++) if (full[i]! <= cut2) out.push(short[i]!);
    return Int32Array.from(out);
  }

  /** nearestCodes over the entries in `among` only (whole codes; a restricted gallery is the smaller one). */
  private nearestCodesAmong(qc: Int32Array, k: number, among: ReadonlySet<string>): Int32Array {
    const words = this.words;
    const codes = this.codes;
    const slots: number[] = [];
    const dists: number[] = [];
    const hist = new Int32Array(words * 32 + 1);
    for (let slot = 0; slot < this.count; slot++) {
      if (!among.has(this.ids[slot]!)) continue;
      const o = slot * words;
      let d = 0;
      for (let w = 0; w < words; w++) d += popcount32(codes[o + w]! ^ qc[w]!);
      slots.push(slot);
      dists.push(d);
      hist[d]!++;
    }
    const cut = cutoff(hist, k);
    const out: number[] = [];
    for (let i = 0; i < slots.length; i++) if (dists[i]! <= cut) out.push(slots[i]!);
    return Int32Array.from(out);
  }

  private code(v: Float32Array, out = new Int32Array(this.words)): Int32Array {
    out.fill(0);
    for (let d = 0; d < this.dim; d++) if (v[d]! > 0) out[d >> 5] = out[d >> 5]! | (1 << (d & 31));
    return out;
  }

  private write(slot: number, vector: Float32Array): void {
    const v = unit(vector);
    let maxAbs = 0;
    for (let d = 0; d < this.dim; d++) maxAbs = Math.max(maxAbs, Math.abs(v[d]!));
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    const o = slot * this.dim;
    for (let d = 0; d < this.dim; d++) this.q8[o + d] = Math.round(v[d]! / scale);
    this.scales[slot] = scale;
    const code = this.code(v, this.codes.subarray(slot * this.words, (slot + 1) * this.words));
    this.prefix.set(code.subarray(0, this.prefixWords), slot * this.prefixWords);
  }

  private grow(): void {
    const cap = Math.max(64, this.capacity * 2);
    const q8 = new Int8Array(cap * this.dim);
    q8.set(this.q8);
    const scales = new Float32Array(cap);
    scales.set(this.scales);
    const codes = new Int32Array(cap * this.words);
    codes.set(this.codes);
    const prefix = new Int32Array(cap * this.prefixWords);
    prefix.set(this.prefix);
    this.prefix = prefix;
    this.q8 = q8;
    this.scales = scales;
    this.codes = codes;
    this.capacity = cap;
  }
}

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (Math.abs(s - 1) < 1e-4) return v;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  return Float32Array.from(v, (x) => x * inv);
}
