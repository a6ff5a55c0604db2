/**
 * The face passages of `bench -- access`: several residents, each enrolled from one real photo
 * and seen by the camera in another real photo of them, at several face sizes in a 1280x720
 * frame. A probe photo is scaled so the daemon's own detector sees a face `size` px high, centred
 * in a grey frame; the clip shows each (resident, size) passage for `show` s of every `period` s,
 * after a grey lead-in (the residents are enrolled meanwhile), encoded with libx264 like a camera.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage, encodeJpeg, resizeRgb, type RgbImage } from '../../../gateway/lib/imaging/image.js';
import { FaceModels } from '../../../gateway/rooms/faces/models.js';
import { FacePipeline } from '../../../gateway/rooms/faces/pipeline.js';
import { checkPhoto } from '../../../gateway/rooms/faces/photo-check.js';

export interface Resident {
  id: string;
  /** Enrolment photo and camera photo (different photos of one person), under the faces dataset. */
  enrol: string;
  probe: string;
}

/**
 * Five people (three East Asian, as at a Chinese gate). Each is enrolled from the first photo of
 * their folder the daemon's enrolment check accepts, and seen by the camera in the next photo with
 * a face: no choosing of easy pairs.
 */
export const RESIDENT_FOLDERS: readonly string[] = ['obama', 'lfw_Jackie_Chan', 'lfw_Li_Zhaoxing', 'lfw_Zhu_Rongji', 'angelina_jolie'];

export interface Passage {
  resident: string;
  size: number;
  /** Seconds from the start of the clip at which the face appears. */
  at: number;
}

const W = 1280;
const H = 720;
const GREY = 0x5a;

/** `img` scaled by `f`, placed so that the point (cx, cy) of the scaled image is at the frame centre. */
async function place(img: RgbImage, f: number, cx: number, cy: number): Promise<RgbImage> {
  const s = await resizeRgb(img, Math.max(1, Math.round(img.width * f)), Math.max(1, Math.round(img.height * f)));
  const out = new Uint8Array(W * H * 3).fill(GREY);
  const ox = Math.round(W / 2 - cx * f);
  const oy = Math.round(H / 2 - cy * f);
  for (let y = Math.max(0, oy); y < Math.min(H, oy + s.height); y++) {
    const x0 = Math.max(0, ox);
    const x1 = Math.min(W, ox + s.width);
    if (x1 <= x0) continue;
    const from = ((y - oy) * s.width + (x0 - ox)) * 3;
    out.set(s.data.subarray(from, from + (x1 - x0) * 3), (y * W + x0) * 3);
  }
  return { width: W, height: H, data: out };
}

/** Writes the clip and returns its passages in order. */
export async function faceClip(opts: {
  facesDir: string;
  dir: string;
  folders: readonly string[];
  sizes: readonly number[];
  lead: number;
  period: number;
  show: number;
  file: string;
}): Promise<{ residents: Resident[]; passages: Passage[]; seconds: number }> {
  const models = new FaceModels({ name: 'bench-scenes' });
  await models.load();
  const pipeline = new FacePipeline({ models });
  const stills = new Map<string, string>();
  const residents: Resident[] = [];
  try {
    for (const folder of opts.folders) {
      const files = readdirSync(join(opts.facesDir, folder)).sort();
      const e = await findIndex(files, async (f) => (await checkPhoto(pipeline, readFileSync(join(opts.facesDir, folder, f)))).ok);
      let face;
      let img: RgbImage | undefined;
      let probe = '';
      for (const f of e < 0 ? [] : files.slice(e + 1)) {
        img = await decodeImage(join(opts.facesDir, folder, f));
        face = (await pipeline.analyse(img, { padRetry: true, maxFaces: 1 }))[0];
        probe = f;
        if (face) break;
      }
      if (!face || !img) throw new Error(`${folder}: no enrolment photo the daemon accepts followed by a photo with a face`);
      const r: Resident = { id: folder.replace(/^lfw_/, '').toLowerCase(), enrol: `${folder}/${files[e]!}`, probe: `${folder}/${probe}` };
      residents.push(r);
      const { x1, y1, x2, y2 } = face.box;
      for (const size of opts.sizes) {
        const frame = await place(img, size / (y2 - y1), (x1 + x2) / 2, (y1 + y2) / 2);
        const file = join(opts.dir, `${r.id}-${size}.jpg`);
        writeFileSync(file, await encodeJpeg(frame, 95));
        stills.set(`${r.id}/${size}`, file);
      }
    }
  } finally {
    await models.close();
  }
  const grey = join(opts.dir, 'grey.jpg');
  writeFileSync(grey, await encodeJpeg({ width: W, height: H, data: new Uint8Array(W * H * 3).fill(GREY) }, 95));
  // Sizes in rounds, residents alternating within a round: no resident twice in a row.
  const passages: Passage[] = [];
  const list = [`file '${grey}'`, `duration ${opts.lead}`];
  let t = opts.lead;
  for (const size of opts.sizes)
    for (const r of residents) {
      passages.push({ resident: r.id, size, at: t });
      list.push(
        `file '${stills.get(`${r.id}/${size}`)!}'`,
        `duration ${opts.show}`,
        `file '${grey}'`,
        `duration ${opts.period - opts.show}`,
      );
      t += opts.period;
    }
  list.push(`file '${grey}'`, 'duration 6', `file '${grey}'`);
  const listFile = join(opts.dir, 'clip.txt');
  writeFileSync(listFile, `${list.join('\n')}\n`);
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-vf',
    'fps=10,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-g',
    '10',
    opts.file,
  ]);
  return { residents, passages, seconds: t + 6 };
}

async function findIndex<T>(xs: readonly T[], ok: (x: T) => Promise<boolean>): Promise<number> {
  for (let i = 0; i < xs.length; i++) if (await ok(xs[i]!)) return i;
  return -1;
}

/** The passage size nearest (in ratio) to a face box `height` px high. */
export function sizeClass(height: number, sizes: readonly number[]): number {
  return sizes.reduce((best, s) => (Math.abs(Math.log(height / s)) < Math.abs(Math.log(height / best)) ? s : best), sizes[0]!);
}
