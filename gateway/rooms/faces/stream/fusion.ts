/**
 * A track's face from several frames: the quality-weighted mean of its usable embeddings. Pure.
 * Noise of single frames (blur, compression, a half-closed eye) averages out in the embedding
 * space, so the fused face is closer to the resident's template than most of its frames.
 */
import type { QualityReport } from '../quality.js';

/** The embedding model's input height: smaller faces are upscaled and carry less detail. */
const FULL_DETAIL_PX = 112;
/** Laplacian variance of a crisp aligned face (the blur gate is 40). */
const CRISP = 100;

/** Weight of one usable frame, 0.1..1: face size up to 112 px times sharpness up to crisp. */
export function frameWeight(q: Pick<QualityReport, 'facePx' | 'sharpness'>): number {
  const size = Math.min(1, Math.max(0.1, q.facePx / FULL_DETAIL_PX));
  const sharp = Math.min(1, Math.max(0.3, q.sharpness / CRISP));
  return size * sharp;
}

/** Unit-length weighted mean of unit embeddings. */
export function fuse(embeddings: readonly Float32Array[], weights: readonly number[]): Float32Array {
  if (embeddings.length === 0) throw new Error('nothing to fuse');
  const dim = embeddings[0]!.length;
  const out = new Float32Array(dim);
  embeddings.forEach((e, k) => {
    const w = weights[k] ?? 1;
    for (let i = 0; i < dim; i++) out[i] = out[i]! + w * e[i]!;
  });
  let s = 0;
  for (let i = 0; i < dim; i++) s += out[i]! * out[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < dim; i++) out[i] = out[i]! * inv;
  return out;
}
