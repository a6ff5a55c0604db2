/**
 * Locating text regions (plate candidates) with the PP-OCRv4 DB detector. The frame is scaled
 * so its long side is `longSide` (sides multiples of 32), normalised BGR ImageNet mean/std,
 * and the probability map is post-processed in pure TS (db-postprocess.ts).
 */
import { resizeRgb, type RgbImage } from '../../lib/imaging/image.js';
import type { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { modelPath } from '../../lib/inference/models.js';
import { findTextRegions, scaleRect, type DbOptions } from './db-postprocess.js';
import type { RotatedRect } from './geometry.js';

export const DET_MODEL = 'text-detect-ppocrv4';
export const DET_FILE = 'text-detect-ppocrv4.onnx';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

export interface DetectedRegion {
  /** In frame pixels. */
  raw: RotatedRect;
  grown: RotatedRect;
  score: number;
}

/** Map size for a frame: long side `longSide`, both sides rounded to multiples of 32. */
export function detectorSize(width: number, height: number, longSide: number): { width: number; height: number } {
  const scale = longSide / Math.max(width, height);
  const r = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: r(width), height: r(height) };
}

/** [1, 3, H, W] tensor, channels B, G, R, each (x/255 - mean) / std (PaddleOCR applies them in BGR order). */
export function detectorTensor(img: RgbImage): Float32Array {
  const plane = img.width * img.height;
  const out = new Float32Array(3 * plane);
  const k = MEAN.map((m, c) => [1 / (255 * (STD[c] as number)), m / (STD[c] as number)] as const);
  const [k0, k1, k2] = k as [readonly [number, number], readonly [number, number], readonly [number, number]];
  const d = img.data;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[i] = (d[p + 2] as number) * k0[0] - k0[1];
    out[plane + i] = (d[p + 1] as number) * k1[0] - k1[1];
    out[2 * plane + i] = (d[p] as number) * k2[0] - k2[1];
  }
  return out;
}

export class PlateDetector {
  private readonly worker: InferenceWorker;
  private loading: Promise<void> | undefined;

  constructor(ctx: { worker: InferenceWorker }) {
    this.worker = ctx.worker;
  }

  load(): Promise<void> {
    this.loading ??= this.worker.load(DET_MODEL, modelPath(DET_FILE)).then(() => undefined);
    return this.loading;
  }

  async detect(frame: RgbImage, opts: { longSide: number; dropKey?: string; db?: Partial<DbOptions> }): Promise<DetectedRegion[]> {
    await this.load();
    const size = detectorSize(frame.width, frame.height, opts.longSide);
    const scaled = await resizeRgb(frame, size.width, size.height, 'fill');
    const data = detectorTensor(scaled);
    const out = await this.worker.run(
      DET_MODEL,
      { x: { type: 'float32', dims: [1, 3, size.height, size.width], data } },
      opts.dropKey ? { dropKey: opts.dropKey } : {},
    );
    const t = Object.values(out)[0];
    if (!t) throw new Error('detector returned no output');
    const [, , mh, mw] = t.dims as [number, number, number, number];
    const sx = frame.width / mw;
    const sy = frame.height / mh;
    return findTextRegions(t.data as Float32Array, mw, mh, opts.db).map((r) => ({
      raw: scaleRect(r.raw, sx, sy),
      grown: scaleRect(r.grown, sx, sy),
      score: r.score,
    }));
  }
}
