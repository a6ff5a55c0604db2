/**
 * `sharpeyes eval faces DIR`: enrol the first usable photo(s) of each identity (with the same
 * checks as `residents add`; a refused photo makes the next one the enrolment photo, as a
 * resident would be asked for another), probe with the others, probe with the strangers of
 * `_unknown`, count detections on `_noface`, and report rank-1 and the threshold at which the
 * stranger false-accept rate meets the target.
 */
import { basename } from 'node:path';
import { decodeImage, ImageError, type RgbImage } from '../../imaging/image.js';
import { checkEnrolmentPhoto, meanTemplate } from '../enrol.js';
import { GalleryIndex } from '../index/gallery-index.js';
import { EMBEDDING_DIM } from '../models.js';
import type { FacePipeline } from '../pipeline.js';
import { readFaceDataset } from './dataset.js';
import { operatingPoint, rank1, thresholdForFar, type OperatingPoint, type ProbeResult } from './metrics.js';

export interface FaceEvalOptions {
  dir: string;
  pipeline: FacePipeline;
  /** Photos per identity averaged into its template. */
  enrolPhotos?: number;
  /** Stranger false-accept rate the chosen threshold must meet. */
  targetFar?: number;
  /** The daemon's configured threshold, reported alongside. */
  configThreshold?: number;
  progress?: (done: number, total: number) => void;
}

export interface FaceEvalReport {
  identities: number;
  enrolled: number;
  probes: number;
  strangers: number;
  rank1: number;
  threshold: number;
  /** 'calibrated' from the strangers, or 'config' when the folder has none. */
  threshold_source: 'calibrated' | 'config';
  far: number;
  frr: number;
  misidentified: number;
  target_far: number;
  config_threshold: number | null;
  at_config: OperatingPoint | null;
  noface_photos: number;
  noface_false_positives: number;
  probe_no_face: number;
  stranger_no_face: number;
  enrol_refused: number;
  unreadable: number;
  /** Probes whose main face would fail the stream quality gates (not excluded from the figures). */
  probe_quality_flagged: number;
  failures: Array<{ photo: string; truth: string; best: string | null; similarity: number }>;
  refusals: Array<{ photo: string; reason: string }>;
  ms_per_photo: number;
}

async function load(path: string): Promise<RgbImage | undefined> {
  try {
    return await decodeImage(path, { lenient: true, maxPixels: 50_000_000 });
  } catch (err) {
    if (err instanceof ImageError) return undefined;
    throw err;
  }
}

export async function evaluateFaces(opts: FaceEvalOptions): Promise<FaceEvalReport> {
  const t0 = performance.now();
  const ds = readFaceDataset(opts.dir);
  const enrolN = Math.max(1, opts.enrolPhotos ?? 1);
  const targetFar = opts.targetFar ?? 0.001;
  const index = new GalleryIndex({ dim: EMBEDDING_DIM });
  const total = ds.identities.reduce((n, i) => n + i.photos.length, 0) + ds.strangers.length + ds.noface.length;
  let done = 0;
  const tick = () => {
    done++;
    opts.progress?.(done, total);
  };
  let unreadable = 0;
  const refusals: FaceEvalReport['refusals'] = [];
  const probeQueue: Array<{ truth: string; photo: string; embedding?: Float32Array; flagged: boolean }> = [];

  // Enrolment, then probes of the same identity (each photo is decoded and described once).
  for (const ident of ds.identities) {
    const templates: Float32Array[] = [];
    for (const photo of ident.photos) {
      const img = await load(photo);
      tick();
      if (!img) {
        unreadable++;
        continue;
      }
      if (templates.length < enrolN) {
        const check = await checkEnrolmentPhoto(opts.pipeline, img);
        if (check.ok) {
          templates.push(check.face.embedding);
          continue;
        }
        refusals.push({ photo: `${ident.name}/${basename(photo)}`, reason: check.reason });
      }
      const faces = await opts.pipeline.analyse(img, { padRetry: true, maxFaces: 1 });
      const face = faces[0];
      probeQueue.push({
        truth: ident.name,
        photo: `${ident.name}/${basename(photo)}`,
        embedding: face?.embedding,
        flagged: face ? face.quality.problems.length > 0 : false,
      });
    }
    if (templates.length > 0) index.upsert(ident.name, meanTemplate(templates));
  }
  const enrolledNames = new Set(ds.identities.map((i) => i.name).filter((n) => index.has(n)));

  const genuine: Array<ProbeResult & { photo: string }> = [];
  let probeNoFace = 0;
  let flagged = 0;
  for (const p of probeQueue) {
    if (!enrolledNames.has(p.truth)) continue; // nobody to find
    if (p.flagged) flagged++;
    if (!p.embedding) {
      probeNoFace++;
      genuine.push({ truth: p.truth, best: null, similarity: 0, photo: p.photo });
      continue;
    }
    const hit = index.search(p.embedding, 1)[0]!;
    genuine.push({ truth: p.truth, best: hit.id, similarity: hit.similarity, photo: p.photo });
  }

  const strangers: ProbeResult[] = [];
  let strangerNoFace = 0;
  for (const photo of ds.strangers) {
    const img = await load(photo);
    tick();
    if (!img) {
      unreadable++;
      continue;
    }
    const face = (await opts.pipeline.analyse(img, { padRetry: true, maxFaces: 1 }))[0];
    if (!face) {
      strangerNoFace++;
      strangers.push({ truth: null, best: null, similarity: 0 });
      continue;
    }
    const hit = index.search(face.embedding, 1)[0]!;
    strangers.push({ truth: null, best: hit.id, similarity: hit.similarity });
  }

  let nofaceDetections = 0;
  for (const photo of ds.noface) {
    const img = await load(photo);
    tick();
    if (!img) {
      unreadable++;
      continue;
    }
    nofaceDetections += (await opts.pipeline.detect(img, { padRetry: true })).length;
  }

  // Without strangers there is nothing to calibrate on: report at the configured threshold.
  const strangerScores = strangers.filter((s) => s.best !== null).map((s) => s.similarity);
  const calibrated = strangerScores.length > 0;
  const threshold = calibrated ? thresholdForFar(strangerScores, targetFar) : (opts.configThreshold ?? 0);
  const op = operatingPoint(genuine, strangers, threshold);
  const atConfig = opts.configThreshold === undefined ? null : operatingPoint(genuine, strangers, opts.configThreshold);
  const failures = genuine
    .filter((g) => g.best !== g.truth || g.similarity < threshold)
    .map((g) => ({ photo: g.photo, truth: g.truth as string, best: g.best, similarity: Math.round(g.similarity * 1000) / 1000 }));
  return {
    identities: ds.identities.length,
    enrolled: enrolledNames.size,
    probes: genuine.length,
    strangers: strangers.length,
    rank1: rank1(genuine),
    threshold,
    threshold_source: calibrated ? 'calibrated' : 'config',
    far: op.far,
    frr: op.frr,
    misidentified: op.misidentified,
    target_far: targetFar,
    config_threshold: opts.configThreshold ?? null,
    at_config: atConfig,
    noface_photos: ds.noface.length,
    noface_false_positives: nofaceDetections,
    probe_no_face: probeNoFace,
    stranger_no_face: strangerNoFace,
    enrol_refused: refusals.length,
    unreadable,
    probe_quality_flagged: flagged,
    failures,
    refusals,
    ms_per_photo: Math.round(((performance.now() - t0) / Math.max(1, done)) * 10) / 10,
  };
}
