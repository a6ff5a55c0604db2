/**
 * `residents/check`: what enrolment would say about one photo, without storing anything — the
 * same decode (pixel cap first), the same checks (checkEnrolmentPhoto), and the aligned face
 * crop the template would be made from, as JPEG, so the person enrolling sees it before saving.
 */
import { decodeImage, encodeJpeg, ImageError, type RgbImage } from '../../lib/imaging/image.js';
import { alignmentMap } from './align.js';
import { checkEnrolmentPhoto, MAX_PHOTO_PIXELS } from './enrol.js';
import type { FacePipeline } from './pipeline.js';
import { tensorToRgb, warpToTensor } from './sampler.js';

export interface PhotoVerdict {
  ok: boolean;
  /** Why it would be refused (empty when ok). */
  reasons: string[];
  /** The aligned 112x112 face the template is computed from, base64 JPEG; absent when no face. */
  crop?: string;
  quality?: { facePx: number; eyeDistancePx: number; yaw: number; pitch: number; sharpness: number; score: number };
}

/** The aligned 112x112 face (the template's input), as JPEG: the verdict's crop and the resident's thumbnail. */
export async function alignedCrop(img: RgbImage, points5: Parameters<typeof alignmentMap>[0], quality: number): Promise<Buffer> {
  const aligned = warpToTensor(img, alignmentMap(points5), 112, 112, { layout: 'nchw', mean: 0, std: 1, fill: 0 });
  return encodeJpeg(tensorToRgb(aligned, 112, 112, 0, 1), quality);
}

export async function checkPhoto(pipeline: FacePipeline, photo: Uint8Array): Promise<PhotoVerdict> {
  let img;
  try {
    img = await decodeImage(photo, { maxPixels: MAX_PHOTO_PIXELS });
  } catch (err) {
    if (err instanceof ImageError) return { ok: false, reasons: [err.message] };
    throw err;
  }
  const check = await checkEnrolmentPhoto(pipeline, img);
  const face = check.face;
  const verdict: PhotoVerdict = { ok: check.ok, reasons: check.ok ? [] : [check.reason] };
  if (!face) return verdict;
  verdict.crop = (await alignedCrop(img, face.points5, 90)).toString('base64');
  const q = face.quality;
  const r2 = (x: number) => Math.round(x * 100) / 100;
  verdict.quality = {
    facePx: Math.round(q.facePx),
    eyeDistancePx: Math.round(q.eyeDistancePx),
    yaw: r2(q.yaw),
    pitch: r2(q.pitch),
    sharpness: Math.round(q.sharpness),
    score: r2(face.score),
  };
  return verdict;
}
