/**
 * The face models in one inference worker thread (detector, 68 landmarks, 512-d embedding and,
 * when enabled, the liveness classifier). Sessions run one at a time with one intra-op thread.
 */
import { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { modelPath, modelsPrepared } from '../../lib/inference/models.js';

export const FACE_MODEL_FILES = {
  detect: 'face-detect-rfb320.onnx',
  landmarks: 'face-landmarks68.onnx',
  embed: 'face-embed512.onnx',
  liveness: 'face-liveness.onnx',
} as const;

/** Identifies the embedding space of stored templates; a new embedding model needs re-enrolment. */
export const EMBEDDING_MODEL = 'face-embed512';
export const EMBEDDING_DIM = 512;

export const DETECT_W = 320;
export const DETECT_H = 240;

export function faceModelsPrepared(liveness = false, dir?: string): boolean {
  const files: string[] = [FACE_MODEL_FILES.detect, FACE_MODEL_FILES.landmarks, FACE_MODEL_FILES.embed];
  if (liveness) files.push(FACE_MODEL_FILES.liveness);
  return dir ? modelsPrepared(files, dir) : modelsPrepared(files);
}

export class FaceModels {
  private readonly worker: InferenceWorker;
  private loaded: Promise<void> | undefined;

  constructor(private readonly opts: { name?: string; liveness?: boolean; maxQueue?: number } = {}) {
    this.worker = new InferenceWorker(opts.name ?? 'faces', { maxQueue: opts.maxQueue ?? 8 });
  }

  get stats() {
    return this.worker.stats;
  }

  /** Loads every model once; later calls return the same promise. */
  load(): Promise<void> {
    this.loaded ??= (async () => {
      await this.worker.load('detect', modelPath(FACE_MODEL_FILES.detect));
      await this.worker.load('landmarks', modelPath(FACE_MODEL_FILES.landmarks));
      await this.worker.load('embed', modelPath(FACE_MODEL_FILES.embed));
      if (this.opts.liveness) await this.worker.load('liveness', modelPath(FACE_MODEL_FILES.liveness));
    })();
    return this.loaded;
  }

  /** [1,3,240,320] RGB (x-127)/128 -> per-anchor [bg, face] scores and normalised boxes. */
  async detect(input: Float32Array, dropKey?: string): Promise<{ scores: Float32Array; boxes: Float32Array }> {
    const out = await this.worker.run(
      'detect',
      { input: { type: 'float32', dims: [1, 3, DETECT_H, DETECT_W], data: input } },
      dropKey === undefined ? {} : { dropKey },
    );
    return { scores: out.scores!.data as Float32Array, boxes: out.boxes!.data as Float32Array };
  }

  /** [1,1,64,64] grey /256 -> 68 (x, y) pairs as fractions of the crop. */
  async landmarks(input: Float32Array): Promise<Float32Array> {
    const out = await this.worker.run('landmarks', { input: { type: 'float32', dims: [1, 1, 64, 64], data: input } });
    return Object.values(out)[0]!.data as Float32Array;
  }

  /** [1,3,112,112] aligned RGB (x-127)/128 -> unit-length 512-d embedding. */
  async embed(input: Float32Array): Promise<Float32Array> {
    const out = await this.worker.run('embed', { input: { type: 'float32', dims: [1, 3, 112, 112], data: input } });
    return normalise(Float32Array.from(Object.values(out)[0]!.data as Float32Array));
  }

  /** [1,3,128,128] RGB 0..255 -> 3 class logits (function unverified upstream; see models/README.md). */
  async liveness(input: Float32Array): Promise<Float32Array> {
    const out = await this.worker.run('liveness', { input: { type: 'float32', dims: [1, 3, 128, 128], data: input } });
    return Object.values(out)[0]!.data as Float32Array;
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

export function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * inv;
  return v;
}
