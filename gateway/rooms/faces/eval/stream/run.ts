/**
 * `sharpeyes eval faces DIR --stream`: walk-up clips built from the folder's photos, encoded to
 * H.264 as a camera would and decoded with the daemon's ffmpeg arguments, run through the
 * daemon's own stream code (FaceStream: tracker, quality gates, votes, fusion, queue split) with
 * the configured settings. Residents are enrolled from one photo each, as in the photo
 * evaluation; every other photo of theirs walks up once, so do sampled strangers, and queues put
 * two people back to back (half of them look-alikes: nearest neighbours in embedding space).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '../../../../lib/imaging/image.js';
import type { FacesConfig } from '../../../../config/sections/faces.js';
import { GalleryIndex } from '../../index/gallery-index.js';
import type { Match } from '../../identities.js';
import { EMBEDDING_DIM } from '../../models.js';
import type { FacePipeline } from '../../pipeline.js';
import { streamOptions } from '../../settings.js';
import { CHANGE_FRAMES, FaceStream, OTHER_PERSON_BELOW } from '../../stream/face-stream.js';
import { collectFaces, type ProbeFace } from '../collect.js';
import { readFaceDataset } from '../dataset.js';
import { shuffled } from '../gallery-size.js';
import { placementsAt, planEndMs, planPassages, prng, type Passage, type PhotoRef } from './plan.js';
import { background, noiseTable, renderFrame, type SourceFace } from './render.js';
import { scoreStream, type SeenFrame, type StreamDecision, type StreamFigures } from './score.js';
import { CAMERA_720P, decodeAnalysed, encodeClip } from './video.js';

export interface StreamEvalOptions {
  dir: string;
  pipeline: FacePipeline;
  faces: FacesConfig;
  analysis: { width: number; height: number; fps: number };
  /** Resident passages (default: every probe photo). */
  residents?: number;
  strangers: number;
  queues: number;
  /** Grow the gallery to this many residents with strangers (who then do not walk up). */
  gallery?: number;
  progress?: (msg: string) => void;
}

export interface StreamEvalReport {
  stream: StreamFigures & {
    gallery: number;
    analysed_fps: number;
    camera: string;
    frames_analysed: number;
    skipped_no_face_in_photo: number;
  };
}

const BATCH = 24;

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export async function evaluateStream(opts: StreamEvalOptions): Promise<StreamEvalReport> {
  const log = opts.progress ?? (() => undefined);
  const ds = readFaceDataset(opts.dir);
  const padding = Math.max(0, (opts.gallery ?? 0) - ds.identities.length);
  log('analysing the photos...');
  const c = await collectFaces(ds, opts.pipeline, {
    enrolPhotos: 1,
    strangerTemplates: padding > 0,
    strangerLimit: opts.strangers + padding,
    skipNoface: true,
  });

  // The residents: one registration photo each, plus strangers when the gallery is grown.
  const index = new GalleryIndex({ dim: EMBEDDING_DIM });
  for (const i of c.identities) if (i.template) index.upsert(i.name, i.template);
  const enrolledStrangers = new Set<number>();
  for (const k of shuffled(c.strangers.length)) {
    if (enrolledStrangers.size >= padding) break;
    const t = c.strangers[k]!.template;
    if (!t) continue;
    index.upsert(`stranger-${k}`, t);
    enrolledStrangers.add(k);
  }
  const identities = {
    get size() {
      return index.size;
    },
    best(e: Float32Array): Match | null {
      const hit = index.search(e, 1)[0];
      return hit ? { residentId: hit.id, name: hit.id, similarity: hit.similarity } : null;
    },
  };

  // Who walks up.
  const photos: ProbeFace[] = [];
  const refs: Array<PhotoRef & { embedding: Float32Array }> = [];
  let skipped = 0;
  const add = (p: ProbeFace, truth: string | null) => {
    if (!p.box || !p.embedding) {
      skipped++;
      return;
    }
    photos.push(p);
    refs.push({ photo: photos.length - 1, truth, embedding: p.embedding });
  };
  const residents = c.identities.filter((i) => i.template).flatMap((i) => i.probes.map((p) => ({ p, truth: i.name })));
  const residentPick =
    opts.residents === undefined
      ? residents
      : shuffled(residents.length)
          .slice(0, opts.residents)
          .map((k) => residents[k]!);
  for (const r of residentPick) add(r.p, r.truth);
  c.strangers.forEach((s, k) => {
    if (!enrolledStrangers.has(k)) add(s, null);
  });
  const singles: PhotoRef[] = refs.map(({ photo, truth }) => ({ photo, truth }));
  const queues = pickQueues(refs, opts.queues);
  const maxGapMs = opts.faces.tracking.maxGapMs;
  const passages = planPassages({ singles, queues, maxGapMs });
  log(`${passages.length} passages (${singles.length} single, ${queues.length} queues), gallery ${index.size}`);

  // Camera -> H.264 -> the daemon's decoder -> the daemon's stream code.
  const stream = new FaceStream({ pipeline: recording(opts.pipeline), identities, options: streamOptions(opts.faces) });
  const seen: SeenFrame[] = [];
  let current: SeenFrame | undefined;
  function recording(p: FacePipeline): FacePipeline {
    const r = Object.create(p) as FacePipeline;
    r.analyse = async (img, o) => {
      const faces = await p.analyse(img, o);
      if (current)
        current.faces = faces.map((f) => {
          const m = identities.best(f.embedding);
          return {
            embedding: f.embedding,
            usable: f.quality.problems.length === 0,
            weak: f.quality.problems.length > 0 && !f.quality.tooSmall,
            problems: f.quality.problems,
            best: m ? { residentId: m.residentId, similarity: m.similarity } : null,
          };
        });
      return faces;
    };
    return r;
  }
  const decisions: StreamDecision[] = [];
  const cam = CAMERA_720P;
  const scale = cam.height / opts.analysis.height;
  const bg = background(cam.width, cam.height);
  const noise = noiseTable(1 << 20, 4, prng(11));
  const cache = new Map<number, SourceFace>();
  const work = mkdtempSync(join(tmpdir(), 'sharpeyes-stream-eval-'));
  const interval = 1000 / opts.analysis.fps;
  try {
    const batches = inBatches(passages);
    for (const [b, batch] of batches.entries()) {
      const t0 = Math.floor((batch[0]!.startMs - 400) / interval) * interval;
      const t1 = planEndMs(batch, maxGapMs);
      for (const p of batch) {
        if (cache.has(p.photo)) continue;
        const ph = photos[p.photo]!;
        cache.set(p.photo, { image: await decodeImage(ph.path, { lenient: true, maxPixels: 50_000_000 }), box: ph.box! });
      }
      const clip = join(work, `batch-${b}.mp4`);
      const rnd = prng(1000 + b);
      const ctx = { width: cam.width, height: cam.height, scale, background: bg, noise, sources: (i: number) => cache.get(i)! };
      const frameCount = Math.ceil(((t1 - t0) * cam.fps) / 1000);
      await encodeClip(clip, cam, frames());
      function* frames(): Generator<Uint8Array> {
        const buf = new Uint8Array(cam.width * cam.height * 3);
        for (let j = 0; j < frameCount; j++) {
          renderFrame(ctx, placementsAt(batch, t0 + (j * 1000) / cam.fps, rnd), buf, rnd);
          yield buf;
        }
      }
      let k = 0;
      for await (const data of decodeAnalysed(clip, opts.analysis)) {
        const ts = t0 + k++ * interval;
        current = { ts, faces: [] };
        seen.push(current);
        const out = await stream.process({ cameraId: 'eval', ts, width: opts.analysis.width, height: opts.analysis.height, data });
        for (const o of out) decisions.push({ firstTs: o.firstTs, ts: o.ts, decision: o.decision });
      }
      current = undefined;
      for (const o of stream.flush(t1 + maxGapMs + 1)) decisions.push({ firstTs: o.firstTs, ts: o.ts, decision: o.decision });
      const later = new Set(batches.slice(b + 1).flatMap((x) => x.map((p) => p.photo)));
      for (const p of batch) if (!later.has(p.photo)) cache.delete(p.photo);
      rmSync(clip, { force: true });
      log(`${batch.at(-1)!.id + 1}/${passages.length} passages`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (process.env.STREAM_DEBUG) {
    for (const p of passages) process.stderr.write(`P${p.id} ${p.kind} ${p.truth} ${p.startMs}-${p.endMs}\n`);
    for (const d of decisions) process.stderr.write(`D first ${d.firstTs} at ${d.ts} ${JSON.stringify(d.decision)}\n`);
    for (const f of seen) if (f.faces.length) process.stderr.write(`F ${f.ts} ${f.faces.map((x) => (x.usable ? 'u' : '-')).join('')}\n`);
  }
  const figures = scoreStream(passages, decisions, seen, OTHER_PERSON_BELOW, CHANGE_FRAMES);
  return {
    stream: {
      ...figures,
      gallery: index.size,
      analysed_fps: opts.analysis.fps,
      camera: `${cam.width}x${cam.height} ${cam.fps} fps H.264 main ${cam.bitrate}bit/s GOP ${cam.fps * 2} B-frames 2, analysed at ${opts.analysis.width}x${opts.analysis.height}`,
      frames_analysed: seen.length,
      skipped_no_face_in_photo: skipped,
    },
  };
}

/** Clips of about BATCH passages; a queue is never cut. */
function inBatches(passages: readonly Passage[]): Passage[][] {
  const out: Passage[][] = [];
  let cur: Passage[] = [];
  for (const p of passages) {
    cur.push(p);
    if (cur.length >= BATCH && p.kind !== 'queue-first') {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Queue pairs: the first is a resident; the second alternately their nearest look-alike among the others, or anybody else. */
function pickQueues(
  refs: Array<PhotoRef & { embedding: Float32Array }>,
  n: number,
): Array<{ first: PhotoRef; second: PhotoRef; lookAlike: boolean }> {
  const residents = refs.filter((r) => r.truth !== null);
  if (residents.length === 0 || refs.length < 2) return [];
  const order = shuffled(residents.length, 99);
  const rnd = prng(5);
  const out: Array<{ first: PhotoRef; second: PhotoRef; lookAlike: boolean }> = [];
  for (let k = 0; k < n; k++) {
    const a = residents[order[k % order.length]!]!;
    const others = refs.filter((r) => r.truth === null || r.truth !== a.truth);
    if (others.length === 0) break;
    const lookAlike = k % 2 === 0;
    let b = others[Math.floor(rnd() * others.length)]!;
    if (lookAlike) for (const o of others) if (dot(o.embedding, a.embedding) > dot(b.embedding, a.embedding)) b = o;
    out.push({ first: { photo: a.photo, truth: a.truth }, second: { photo: b.photo, truth: b.truth }, lookAlike });
  }
  return out;
}

export type { Passage };
