/**
 * Every photo of an evaluation folder through the product's own code, once: enrolment checks
 * and templates exactly as `residents add` makes them (enrol.ts), probe embeddings as
 * `identify` sees them. The figures (run.ts) are computed from what this returns.
 */
import { basename } from 'node:path';
import { decodeImage, ImageError, type RgbImage } from '../../../lib/imaging/image.js';
import { enrolmentTemplate, judgeEnrolment, meanTemplate } from '../enrol.js';
import type { FaceBox } from '../geometry.js';
import type { FacePipeline } from '../pipeline.js';
import type { FaceDataset } from './dataset.js';
import { shuffled } from './gallery-size.js';

export interface ProbeFace {
  /** identity/file, for messages */
  photo: string;
  path: string;
  /** The main face in the photo, or null. */
  box: FaceBox | null;
  /** null when no face was found */
  embedding: Float32Array | null;
  /** The main face fails the stream's quality gates (it still counts). */
  flagged: boolean;
}

export interface CollectedIdentity {
  name: string;
  /** The resident's search vector, or null when no photo could be enrolled. */
  template: Float32Array | null;
  enrolPhotos: string[];
  /** Photos of other split groups than the enrolment photos. */
  probes: ProbeFace[];
  /** Templates of the first `extraTemplates` enrollable photos, one per split group, in file order (the scale figures). */
  templates: Array<{ template: Float32Array; group: string }>;
  /** Every photo with a face, with its split group (the scale figures pick probes outside the enrolment groups). */
  faces: Array<ProbeFace & { group: string }>;
}

export interface CollectedStranger extends ProbeFace {
  /** Template as if this stranger enrolled (null when the photo would be refused), for gallery growth. */
  template: Float32Array | null;
}

export interface Collected {
  identities: CollectedIdentity[];
  strangers: CollectedStranger[];
  refusals: Array<{ photo: string; reason: string }>;
  nofacePhotos: number;
  nofaceDetections: number;
  unreadable: number;
  photos: number;
}

async function load(path: string): Promise<RgbImage | undefined> {
  try {
    return await decodeImage(path, { lenient: true, maxPixels: 50_000_000 });
  } catch (err) {
    if (err instanceof ImageError) return undefined;
    throw err;
  }
}

export async function collectFaces(
  ds: FaceDataset,
  pipeline: FacePipeline,
  opts: {
    enrolPhotos: number;
    /** Also keep templates of up to this many enrollable photos (distinct split groups) per identity. */
    extraTemplates?: number;
    strangerTemplates: boolean;
    /** Analyse only this many strangers (a fixed sample); default all. */
    strangerLimit?: number;
    /** Skip the `_noface` photos. */
    skipNoface?: boolean;
    progress?: (done: number, total: number) => void;
  },
): Promise<Collected> {
  const strangerPhotos =
    opts.strangerLimit === undefined || opts.strangerLimit >= ds.strangers.length
      ? ds.strangers
      : shuffled(ds.strangers.length)
          .slice(0, opts.strangerLimit)
          .sort((a, b) => a - b)
          .map((i) => ds.strangers[i]!);
  const nofacePhotos = opts.skipNoface ? [] : ds.noface;
  const total = ds.identities.reduce((n, i) => n + i.photos.length, 0) + strangerPhotos.length + nofacePhotos.length;
  let done = 0;
  const tick = () => opts.progress?.(++done, total);
  const out: Collected = {
    identities: [],
    strangers: [],
    refusals: [],
    nofacePhotos: nofacePhotos.length,
    nofaceDetections: 0,
    unreadable: 0,
    photos: 0,
  };

  const extra = Math.max(opts.enrolPhotos, opts.extraTemplates ?? 0);
  for (const ident of ds.identities) {
    const templates: Float32Array[] = [];
    const enrolGroups = new Set<string>();
    const enrolPhotos: string[] = [];
    const candidates: Array<ProbeFace & { group: string }> = [];
    const kept: Array<{ template: Float32Array; group: string }> = [];
    for (const p of ident.photos) {
      const img = await load(p.path);
      tick();
      if (!img) {
        out.unreadable++;
        continue;
      }
      const label = `${ident.name}/${basename(p.path)}`;
      const faces = await pipeline.analyse(img, { padRetry: true, maxFaces: 3 });
      const face = faces[0];
      const probe = {
        photo: label,
        path: p.path,
        box: face?.box ?? null,
        group: p.group,
        embedding: face?.embedding ?? null,
        flagged: face ? face.quality.problems.length > 0 : false,
      };
      if (kept.length < extra && !kept.some((k) => k.group === p.group)) {
        const check = judgeEnrolment(faces);
        if (check.ok) {
          const template = await enrolmentTemplate(pipeline, img, check.face);
          kept.push({ template, group: p.group });
          if (templates.length < opts.enrolPhotos && !enrolGroups.has(p.group)) {
            templates.push(template);
            enrolGroups.add(p.group);
            enrolPhotos.push(label);
            continue;
          }
        } else if (templates.length < opts.enrolPhotos && !enrolGroups.has(p.group))
          out.refusals.push({ photo: label, reason: check.reason });
      }
      candidates.push(probe);
    }
    out.identities.push({
      name: ident.name,
      template: templates.length ? meanTemplate(templates) : null,
      enrolPhotos,
      probes: candidates.filter((c) => !enrolGroups.has(c.group)).map(({ group: _g, ...probe }) => probe),
      templates: kept,
      faces: candidates,
    });
  }

  for (const p of strangerPhotos) {
    const img = await load(p.path);
    tick();
    if (!img) {
      out.unreadable++;
      continue;
    }
    const faces = await pipeline.analyse(img, { padRetry: true, maxFaces: 3 });
    const face = faces[0];
    const check = judgeEnrolment(faces);
    out.strangers.push({
      photo: `_unknown/${basename(p.path)}`,
      path: p.path,
      box: face?.box ?? null,
      embedding: face?.embedding ?? null,
      flagged: face ? face.quality.problems.length > 0 : false,
      template: opts.strangerTemplates && check.ok ? await enrolmentTemplate(pipeline, img, check.face) : null,
    });
  }

  for (const path of nofacePhotos) {
    const img = await load(path);
    tick();
    if (!img) {
      out.unreadable++;
      continue;
    }
    out.nofaceDetections += (await pipeline.detect(img, { padRetry: true })).length;
  }
  out.photos = done;
  return out;
}
