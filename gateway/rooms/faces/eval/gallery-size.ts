/**
 * The stranger false-accept rate grows with the number of enrolled residents. To show the
 * threshold policy for large galleries at work, the gallery is grown to a target size by
 * enrolling strangers from `_unknown` as extra residents; false accepts are counted with the
 * strangers left out of that gallery. The strangers are split into folds so that each is probed
 * once, against a gallery that does not hold them (each fold: every identity, then as many of
 * the other enrollable strangers as the size needs, in a fixed shuffled order). Genuine probes
 * are searched in the galleries of the first folds. Pure.
 */

export interface GallerySizeInput {
  identities: Array<{ name: string; template: Float32Array }>;
  genuine: Array<{ truth: string; embedding: Float32Array | null }>;
  strangers: Array<{ embedding: Float32Array | null; template: Float32Array | null }>;
  /** The threshold the configured policy uses for a gallery of `size`. */
  thresholdFor(size: number): number;
}

export interface GallerySizeFigure {
  /** Requested size. */
  gallery: number;
  /** Mean size of the galleries actually built (smaller when the folder has too few strangers). */
  gallery_built: number;
  threshold: number;
  folds: number;
  stranger_probes: number;
  false_accepts: number;
  far: number;
  frr: number;
  misidentified: number;
}

const MAX_FOLDS = 80;
const GENUINE_FOLDS = 4;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function best(q: Float32Array, ids: readonly string[], gallery: readonly Float32Array[]): { id: string; s: number } {
  let bi = -1;
  let bs = -2;
  for (let i = 0; i < gallery.length; i++) {
    const s = dot(q, gallery[i]!);
    if (s > bs) {
      bs = s;
      bi = i;
    }
  }
  return { id: ids[bi] ?? '', s: bs };
}

/** Fisher-Yates with a fixed LCG seed: the same order on every run. */
export function shuffled(n: number, seed = 20240601): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let x = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function galleryFigures(input: GallerySizeInput, sizes: readonly number[]): GallerySizeFigure[] {
  const order = shuffled(input.strangers.length);
  const probes = order.filter((i) => input.strangers[i]!.embedding !== null);
  const enrollable = order.filter((i) => input.strangers[i]!.template !== null);
  const nId = input.identities.length;
  return sizes.map((size) => {
    const need = Math.max(0, size - nId);
    const folds = need === 0 ? 1 : Math.min(MAX_FOLDS, Math.max(2, Math.ceil(enrollable.length / Math.max(1, enrollable.length - need))));
    const foldOf = new Map<number, number>();
    probes.forEach((s, k) => foldOf.set(s, k % folds));
    enrollable.forEach((s, k) => {
      if (!foldOf.has(s)) foldOf.set(s, k % folds);
    });
    let fa = 0;
    let probed = 0;
    let built = 0;
    let rejected = 0;
    let mis = 0;
    let genuineN = 0;
    let threshold = input.thresholdFor(size);
    for (let f = 0; f < folds; f++) {
      const ids = input.identities.map((i) => i.name);
      const gallery = input.identities.map((i) => i.template);
      for (const s of enrollable) {
        if (gallery.length >= nId + need) break;
        if (foldOf.get(s) === f) continue;
        ids.push(`stranger:${s}`);
        gallery.push(input.strangers[s]!.template!);
      }
      built += gallery.length;
      threshold = input.thresholdFor(gallery.length);
      for (const s of probes) {
        if (foldOf.get(s) !== f) continue;
        probed++;
        if (best(input.strangers[s]!.embedding!, ids, gallery).s >= threshold) fa++;
      }
      if (f >= GENUINE_FOLDS) continue;
      for (const g of input.genuine) {
        genuineN++;
        const hit = g.embedding ? best(g.embedding, ids, gallery) : null;
        const accepted = hit !== null && hit.s >= threshold;
        if (!accepted || hit.id !== g.truth) rejected++;
        if (accepted && hit.id !== g.truth) mis++;
      }
    }
    const r4 = (x: number) => Math.round(x * 10000) / 10000;
    return {
      gallery: size,
      gallery_built: Math.round(built / folds),
      threshold,
      folds,
      stranger_probes: probed,
      false_accepts: fa,
      far: probed ? r4(fa / probed) : 0,
      frr: genuineN ? r4(rejected / genuineN) : 0,
      misidentified: genuineN ? Math.round((mis / genuineN) * input.genuine.length) : 0,
    };
  });
}
