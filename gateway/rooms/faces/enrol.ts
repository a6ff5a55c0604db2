/**
 * Turning an enrolment photo into a template: exactly one clear face of good quality, or a
 * refusal that says why (no face, several faces, too small, turned away, blurred...).
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import { ENROLMENT_VIEWS } from './augment.js';
import { boxArea } from './geometry.js';
import type { FaceObservation, FacePipeline } from './pipeline.js';

export type EnrolCheck = { ok: true; face: FaceObservation } | { ok: false; reason: string; face?: FaceObservation };

/**
 * Largest enrolment photo, in pixels, checked from the image header before any decoding (a
 * small file can claim a huge picture): 24 MP covers a 6000x4000 camera photo; phones' 48+ MP
 * modes must be scaled down (the console does it in the browser before uploading).
 */
export const MAX_PHOTO_PIXELS = 24_000_000;

/** A second face at least this fraction of the main face's area makes the photo ambiguous. */
export const SECOND_FACE_AREA_RATIO = 0.3;

/** Pure: the decision on the faces found in one enrolment photo (main face first). */
export function judgeEnrolment(faces: readonly FaceObservation[]): EnrolCheck {
  const main = faces[0];
  if (!main) return { ok: false, reason: 'no face found' };
  const rivals = faces.slice(1).filter((f) => boxArea(f.box) >= SECOND_FACE_AREA_RATIO * boxArea(main.box));
  if (rivals.length > 0) return { ok: false, reason: `several faces (${rivals.length + 1}): use a photo of this person alone`, face: main };
  if (main.quality.problems.length > 0) return { ok: false, reason: `poor quality: ${main.quality.problems.join('; ')}`, face: main };
  return { ok: true, face: main };
}

export async function checkEnrolmentPhoto(pipeline: FacePipeline, img: RgbImage): Promise<EnrolCheck> {
  const faces = await pipeline.analyse(img, { padRetry: true, maxFaces: 3 });
  return judgeEnrolment(faces);
}

/**
 * The template stored for an accepted enrolment photo: the mean embedding of the aligned face
 * and of its views (augment.ts). Measured on the dev set (models/README.md): FRR at the
 * configured threshold 7.9% -> 7.0%, no stranger more accepted.
 */
export async function enrolmentTemplate(pipeline: FacePipeline, img: RgbImage, face: FaceObservation): Promise<Float32Array> {
  const views = await pipeline.embedViews(img, face.points5, ENROLMENT_VIEWS);
  return meanTemplate([face.embedding, ...views]);
}

/** Unit-length mean of several templates (a resident's search vector). */
export function meanTemplate(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new Error('no templates');
  const dim = vectors[0]!.length;
  const out = new Float32Array(dim);
  for (const v of vectors) for (let i = 0; i < dim; i++) out[i] = out[i]! + v[i]!;
  let s = 0;
  for (let i = 0; i < dim; i++) s += out[i]! * out[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < dim; i++) out[i] = out[i]! * inv;
  return out;
}
