/**
 * Enrolment of a resident from photos (CLI files or base64 JPEGs from the platform): every photo
 * must show exactly one clear face; if one is refused nothing is stored and each refusal says why.
 */
import { decodeImage, ImageError } from '../../lib/imaging/image.js';
import { checkEnrolmentPhoto, enrolmentTemplate, MAX_PHOTO_PIXELS } from './enrol.js';
import type { FacePipeline } from './pipeline.js';
import type { NewTemplate, PersonExtras, Resident, ResidentStore } from './store/resident-store.js';
import { alignedCrop } from './photo-check.js';
import type { Pass } from './visitors/pass.js';

export interface EnrolPhoto {
  /** File path or encoded image bytes. */
  input: string | Uint8Array;
  /** Name for messages and the template's `source`. */
  source: string;
}

export class EnrolmentRefused extends Error {
  constructor(
    readonly refusals: Array<{ source: string; reason: string }>,
    /** The templates of the photos that were usable. */
    readonly usable: NewTemplate[] = [],
  ) {
    super(`photo refused: ${refusals.map((r) => `${r.source}: ${r.reason}`).join('; ')}`);
    this.name = 'EnrolmentRefused';
  }
}

export async function enrolResident(
  ctx: { pipeline: FacePipeline; store: ResidentStore },
  input: { id?: string; name: string; photos: EnrolPhoto[]; pass?: Pass; keepUsable?: boolean } & PersonExtras,
): Promise<Resident & { refused: Refusal[] }> {
  const { templates, refused } = await checkedTemplates(ctx.pipeline, input.photos, input.keepUsable ?? false);
  const { photos: _, keepUsable: _keepUsable, ...rest } = input;
  return { ...ctx.store.add({ ...rest, templates }), refused };
}

export interface Refusal {
  source: string;
  reason: string;
}

/**
 * The templates of the usable photos, one per photo, and why the others were refused. Throws
 * EnrolmentRefused when none is usable, or (without `keepUsable`) when any photo is refused.
 */
export async function checkedTemplates(
  pipeline: FacePipeline,
  photos: EnrolPhoto[],
  keepUsable: boolean,
): Promise<{ templates: NewTemplate[]; refused: Refusal[] }> {
  try {
    return { templates: await enrolmentTemplates(pipeline, photos), refused: [] };
  } catch (err) {
    if (!(err instanceof EnrolmentRefused) || !keepUsable || err.usable.length === 0) throw err;
    return { templates: err.usable, refused: err.refusals };
  }
}

/** The templates of enrolment photos, every one checked; throws EnrolmentRefused naming each refused photo. */
export async function enrolmentTemplates(pipeline: FacePipeline, photos: EnrolPhoto[]): Promise<NewTemplate[]> {
  if (photos.length === 0) throw new EnrolmentRefused([{ source: '(none)', reason: 'at least one photo is needed' }]);
  const refusals: Array<{ source: string; reason: string }> = [];
  const templates: NewTemplate[] = [];
  for (const photo of photos) {
    let img;
    try {
      img = await decodeImage(photo.input, { source: photo.source, maxPixels: MAX_PHOTO_PIXELS });
    } catch (err) {
      if (err instanceof ImageError) {
        refusals.push({ source: photo.source, reason: err.message.replace(`${photo.source}: `, '') });
        continue;
      }
      throw err;
    }
    const check = await checkEnrolmentPhoto(pipeline, img);
    if (!check.ok) {
      refusals.push({ source: photo.source, reason: check.reason });
      continue;
    }
    const q = check.face.quality;
    templates.push({
      embedding: await enrolmentTemplate(pipeline, img, check.face),
      source: photo.source,
      crop: await alignedCrop(img, check.face.points5, 80),
      quality: {
        facePx: Math.round(q.facePx),
        eyeDistancePx: Math.round(q.eyeDistancePx),
        yaw: round2(q.yaw),
        pitch: round2(q.pitch),
        sharpness: Math.round(q.sharpness),
        score: round2(check.face.score),
      },
    });
  }
  if (refusals.length > 0) throw new EnrolmentRefused(refusals, templates);
  return templates;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
