/**
 * Real face embeddings for `bench -- face`, cached under .cache/bench/ keyed by the face models'
 * hash (a new detector, landmark or embedding model recomputes them; a second run only reads).
 *
 * Every photo of ../shared/datasets/faces (named identities and `_unknown` strangers; not
 * `_group`, `_noface`, nor the identity the frame part enrols) goes through the daemon's
 * own pipeline once: detection (with its pad retry), 68 landmarks, 5-point alignment, 512-d
 * embedding. That plain embedding is view 0. A split fixed by file order decides:
 *   - gallery photos: the first usable photo of every named identity, and 3 of every 4 strangers;
 *   - probe photos: the other photos of named identities (genuine probes: a different real photo
 *     of a gallery identity), and every 4th stranger (never in the gallery in any view).
 * Gallery photos are then augmented on the aligned crop, through the same warp and embedder:
 * views 1.. are drawn without repetition from a fixed grid of mirror x scale (0.90–1.10) x
 * rotation (−9°..+9°) x brightness (0.70–1.30) x shift (±2 px), in a seeded order. A gallery of N
 * entries takes views 0, 1, 2, ... of every gallery photo until it holds N: each entry is the
 * real embedding of a real face under a camera-like change, never a synthetic vector. Several
 * entries therefore belong to one person: near-duplicates that make the index's job harder, not
 * easier (a top-1 among near-twins must still be the brute-force top-1).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jitterMap, type AlignedView } from '../../../gateway/rooms/faces/augment.js';
import type { Point } from '../../../gateway/rooms/faces/geometry.js';
import { EMBEDDING_DIM, FACE_MODEL_FILES, FaceModels } from '../../../gateway/rooms/faces/models.js';
import { FacePipeline } from '../../../gateway/rooms/faces/pipeline.js';
import { modelPath } from '../../../gateway/lib/inference/models.js';
import { decodeImage } from '../../../gateway/lib/imaging/image.js';

export interface RealPhoto {
  /** Path relative to the faces folder. */
  file: string;
  /** Identity name, or `u:<file>` for a stranger. */
  person: string;
  role: 'gallery' | 'genuine' | 'stranger';
  points5: Point[];
}

export interface RealEmbeddings {
  photos: RealPhoto[];
  /** View 0 (plain) of every photo, in `photos` order. */
  plain: Float32Array[];
  galleryPhotos: RealPhoto[];
  /** views[k][i]: view k of galleryPhotos[i]. */
  views: Float32Array[][];
  modelHash: string;
  cacheDir: string;
  computedViews: number;
  computeMs: number;
}

/** The augmentation grid, in a fixed seeded order; entry 0 is the plain view. */
export function augmentationViews(): AlignedView[] {
  const grid: AlignedView[] = [];
  for (const flip of [false, true])
    for (const s of [0.9, 0.95, 1, 1.05, 1.1])
      for (const deg of [-9, -6, -3, 0, 3, 6, 9])
        for (const gain of [0.7, 0.85, 1, 1.15, 1.3])
          for (const [dx, dy] of [
            [0, 0],
            [2, 0],
            [0, 2],
            [-2, -2],
          ] as const) {
            if (!flip && s === 1 && deg === 0 && gain === 1 && dx === 0 && dy === 0) continue;
            grid.push({ name: `${flip ? 'm' : ''}s${s}r${deg}g${gain}d${dx},${dy}`, jitter: jitterMap(s, deg, dx, dy), flip, gain });
          }
  let seed = 20261207;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
    return (seed >>> 0) / 4294967296;
  };
  for (let i = grid.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [grid[i], grid[j]] = [grid[j]!, grid[i]!];
  }
  return [{ name: 'plain', jitter: jitterMap(1, 0) }, ...grid];
}

/** The face models' hash, and the photo list's (a changed dataset or split is recomputed too). */
function cacheKey(files: readonly string[]): { model: string; photos: string } {
  const h = createHash('sha256');
  for (const f of [FACE_MODEL_FILES.detect, FACE_MODEL_FILES.landmarks, FACE_MODEL_FILES.embed]) h.update(readFileSync(modelPath(f)));
  return { model: h.digest('hex').slice(0, 16), photos: createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 8) };
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function pack(vs: readonly Float32Array[]): Uint8Array {
  const out = new Float32Array(vs.length * EMBEDDING_DIM);
  vs.forEach((v, i) => out.set(v, i * EMBEDDING_DIM));
  return new Uint8Array(out.buffer);
}

function unpack(buf: Buffer): Float32Array[] {
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const out: Float32Array[] = [];
  for (let i = 0; i < all.length; i += EMBEDDING_DIM) out.push(all.subarray(i, i + EMBEDDING_DIM));
  return out;
}

/** Runs `work(item, pipeline)` over items with one pipeline (inference worker) per lane. */
async function lanes<T, R>(items: readonly T[], pipes: FacePipeline[], work: (x: T, p: FacePipeline) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    pipes.map(async (p) => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i]!, p);
      }
    }),
  );
  return out;
}

/**
 * Loads (or computes and caches) the real embeddings with enough views per gallery photo for a
 * gallery of `entries`. `workers` inference workers compute in parallel (each one intra-op thread, as the daemon).
 */
export async function realEmbeddings(opts: {
  facesDir: string;
  cacheRoot: string;
  entries: number;
  /** Identity folders left out (the frame part's resident). */
  excludePeople: ReadonlySet<string>;
  workers: number;
  log: (line: string) => void;
}): Promise<RealEmbeddings> {
  const files: Array<{ file: string; person: string; stranger: boolean }> = [];
  for (const id of readdirSync(opts.facesDir).sort()) {
    if (opts.excludePeople.has(id) || (id.startsWith('_') && id !== '_unknown')) continue;
    for (const f of readdirSync(join(opts.facesDir, id)).sort())
      files.push({ file: `${id}/${f}`, person: id === '_unknown' ? `u:${f}` : id, stranger: id === '_unknown' });
  }
  const key = cacheKey(files.map((f) => f.file));
  const hash = key.model;
  const dir = join(opts.cacheRoot, `face-embeddings-${key.model}-${key.photos}`);
  mkdirSync(dir, { recursive: true });
  const views = augmentationViews();
  const t0 = performance.now();
  let models: FaceModels[] = [];
  let pipes: FacePipeline[] = [];
  const start = async () => {
    if (pipes.length) return pipes;
    models = Array.from({ length: Math.max(1, opts.workers) }, (_, i) => new FaceModels({ name: `bench-embed-${i}` }));
    await Promise.all(models.map((m) => m.load()));
    pipes = models.map((m) => new FacePipeline({ models: m }));
    return pipes;
  };

  // Photos, their split, and view 0 (detection + plain embedding).
  const photosFile = join(dir, 'photos.json');
  const plainFile = join(dir, 'view-0.f32');
  let photos: RealPhoto[];
  let plain: Float32Array[];
  if (existsSync(photosFile) && existsSync(plainFile)) {
    photos = JSON.parse(readFileSync(photosFile, 'utf8')) as RealPhoto[];
    plain = unpack(readFileSync(plainFile));
  } else {
    opts.log(`face bench: detecting and embedding ${files.length} real photos (once per model hash ${hash})`);
    const found = await lanes(files, await start(), async (x, p) => {
      try {
        const face = (
          await p.analyse(await decodeImage(join(opts.facesDir, x.file), { lenient: true }), { padRetry: true, maxFaces: 1 })
        )[0];
        return face ? { ...x, points5: face.points5, embedding: face.embedding } : undefined;
      } catch {
        return undefined;
      }
    });
    photos = [];
    plain = [];
    const seenPerson = new Set<string>();
    let strangerNo = 0;
    for (const f of found) {
      if (!f) continue;
      let role: RealPhoto['role'];
      if (f.stranger) role = strangerNo++ % 4 === 3 ? 'stranger' : 'gallery';
      else role = seenPerson.has(f.person) ? 'genuine' : 'gallery';
      seenPerson.add(f.person);
      photos.push({ file: f.file, person: f.person, role, points5: f.points5 });
      plain.push(f.embedding);
    }
    writeAtomic(photosFile, JSON.stringify(photos));
    writeAtomic(plainFile, pack(plain));
  }
  const galleryIdx = photos.flatMap((p, i) => (p.role === 'gallery' ? [i] : []));
  const galleryPhotos = galleryIdx.map((i) => photos[i]!);
  const viewsNeeded = Math.ceil(opts.entries / galleryPhotos.length);
  if (viewsNeeded > views.length) throw new Error(`at most ${views.length * galleryPhotos.length} entries (asked ${opts.entries})`);
  const out: Float32Array[][] = [galleryIdx.map((i) => plain[i]!)];
  let computed = 0;
  const missing: number[] = [];
  for (let k = 1; k < viewsNeeded; k++) if (!existsSync(join(dir, `view-${k}.f32`))) missing.push(k);
  // Views in chunks: each photo is decoded once per chunk, each finished view is cached at once.
  for (let c = 0; c < missing.length; c += 12) {
    const chunk = missing.slice(c, c + 12);
    const embs = await lanes(galleryPhotos, await start(), async (p, pipe) => {
      const img = await decodeImage(join(opts.facesDir, p.file), { lenient: true });
      return pipe.embedViews(
        img,
        p.points5,
        chunk.map((k) => views[k]!),
      );
    });
    chunk.forEach((k, j) => writeAtomic(join(dir, `view-${k}.f32`), pack(embs.map((e) => e[j]!))));
    computed += chunk.length;
    opts.log(
      `face bench: views ${chunk[0]}..${chunk.at(-1)} of ${galleryPhotos.length} gallery photos cached (${missing.length - c - chunk.length} to go)`,
    );
  }
  for (let k = 1; k < viewsNeeded; k++) out.push(unpack(readFileSync(join(dir, `view-${k}.f32`))));
  await Promise.all(models.map((m) => m.close()));
  return {
    photos,
    plain,
    galleryPhotos,
    views: out,
    modelHash: hash,
    cacheDir: dir,
    computedViews: computed,
    computeMs: performance.now() - t0,
  };
}
