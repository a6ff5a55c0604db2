/**
 * detection -> 68 landmarks -> 5-point similarity alignment -> 512-d embedding, with quality
 * measures and an optional liveness score. Works on a whole image or on a region of interest
 * (the gate lane), so faces too small for the detector's 320x240 input in a 1080p frame are
 * found by sampling the region at a higher resolution.
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import { alignmentMap, fivePointsFrom68 } from './align.js';
import { applyViewToTensor, composeAffine, type AlignedView } from './augment.js';
import { chooseMainFace, decodeDetections, landmarkCrop, type Detection } from './detection.js';
import { rectMap, type FaceBox, type Point, type Rect } from './geometry.js';
import { DETECT_H, DETECT_W, type FaceModels } from './models.js';
import { assessQuality, greyFromNchw, laplacianVariance, type QualityLimits, type QualityReport } from './quality.js';
import { warpToTensor } from './sampler.js';

export interface PipelineOptions {
  detectThreshold: number;
  nmsIou: number;
  /** When nothing is found, widen the searched area by this fraction on each side and detect again (0 = never). */
  padRetry: number;
  quality: QualityLimits;
  /** Run the liveness model (models loaded with liveness). */
  liveness: boolean;
}

export interface FaceObservation {
  box: FaceBox;
  score: number;
  landmarks: Point[];
  points5: Point[];
  quality: QualityReport;
  /** Unit-length embedding. */
  embedding: Float32Array;
  /** Liveness probability of the "real" class, when enabled. */
  liveness?: number;
}

export interface StageTimings {
  prepMs: number;
  detectMs: number;
  landmarksMs: number;
  alignMs: number;
  embedMs: number;
}

export const DEFAULT_PIPELINE: PipelineOptions = {
  detectThreshold: 0.7,
  nmsIou: 0.3,
  padRetry: 0.125,
  quality: { minFacePx: 48, minEyeDistancePx: 20, maxYaw: 0.6, pitchRange: [0.2, 0.85], minSharpness: 40 },
  liveness: false,
};

const NORM = { mean: 127, std: 128 };

export class FacePipeline {
  readonly options: PipelineOptions;
  private readonly models: FaceModels;
  /** Stage timings of the last call, for benchmarks and logs. */
  readonly timings: StageTimings = { prepMs: 0, detectMs: 0, landmarksMs: 0, alignMs: 0, embedMs: 0 };
  private readonly detectBuf = new Float32Array(3 * DETECT_W * DETECT_H);

  constructor(ctx: { models: FaceModels; options?: Partial<PipelineOptions> }) {
    this.models = ctx.models;
    this.options = { ...DEFAULT_PIPELINE, ...ctx.options };
  }

  /** Faces in `roi` (default: the whole image), best first. */
  async detect(img: RgbImage, opts: { roi?: Rect; padRetry?: boolean; dropKey?: string } = {}): Promise<Detection[]> {
    const region = opts.roi ?? { x: 0, y: 0, width: img.width, height: img.height };
    let dets = await this.detectIn(img, region, opts.dropKey);
    const pad = this.options.padRetry;
    if (dets.length === 0 && opts.padRetry && pad > 0) {
      // Tight crops (a face filling the photo) are found once there is some margin around them.
      dets = await this.detectIn(
        img,
        {
          x: region.x - region.width * pad,
          y: region.y - region.height * pad,
          width: region.width * (1 + 2 * pad),
          height: region.height * (1 + 2 * pad),
        },
        opts.dropKey,
      );
    }
    return dets;
  }

  private async detectIn(img: RgbImage, region: Rect, dropKey?: string): Promise<Detection[]> {
    const t0 = performance.now();
    const map = rectMap(region, DETECT_W, DETECT_H);
    const scale = Math.max(region.width / DETECT_W, region.height / DETECT_H);
    const taps = Math.min(3, Math.max(1, Math.round(scale / 2)));
    // The buffer is transferred to the worker, so a fresh one is needed per call.
    const input = warpToTensor(
      img,
      map,
      DETECT_W,
      DETECT_H,
      { layout: 'nchw', ...NORM, fill: 0, taps },
      new Float32Array(this.detectBuf.length),
    );
    const t1 = performance.now();
    const { scores, boxes } = await this.models.detect(input, dropKey);
    const t2 = performance.now();
    this.timings.prepMs = t1 - t0;
    this.timings.detectMs = t2 - t1;
    return decodeDetections(scores, boxes, {
      threshold: this.options.detectThreshold,
      nmsIou: this.options.nmsIou,
      inputWidth: DETECT_W,
      inputHeight: DETECT_H,
      toImage: map,
      topK: 200,
    });
  }

  /** Landmarks, quality, alignment and embedding of one detected face. */
  async describe(img: RgbImage, det: Detection): Promise<FaceObservation> {
    const t0 = performance.now();
    const crop = landmarkCrop(det.box, img.width, img.height);
    const lmIn = warpToTensor(img, rectMap({ x: crop.x, y: crop.y, width: crop.size, height: crop.size }, 64, 64), 64, 64, {
      layout: 'grey',
      mean: 0,
      std: 256,
      taps: Math.min(3, Math.max(1, Math.round(crop.size / 128))),
    });
    const raw = await this.models.landmarks(lmIn);
    const t1 = performance.now();
    const landmarks: Point[] = [];
    for (let i = 0; i < 68; i++) landmarks.push({ x: crop.x + raw[i * 2]! * crop.size, y: crop.y + raw[i * 2 + 1]! * crop.size });
    const points5 = fivePointsFrom68(landmarks);
    const aligned = warpToTensor(img, alignmentMap(points5), 112, 112, { layout: 'nchw', ...NORM, fill: 0 });
    const sharpness = laplacianVariance(greyFromNchw(aligned, 112, 112, NORM.mean, NORM.std), 112, 112);
    const quality = assessQuality({ box: det.box, points5, sharpness }, this.options.quality);
    const t2 = performance.now();
    const embedding = await this.models.embed(aligned);
    const t3 = performance.now();
    this.timings.landmarksMs = t1 - t0;
    this.timings.alignMs = t2 - t1;
    this.timings.embedMs = t3 - t2;
    const face: FaceObservation = { box: det.box, score: det.score, landmarks, points5, quality, embedding };
    if (this.options.liveness) face.liveness = await this.livenessOf(img, det.box);
    return face;
  }

  /** Every face found (at most `maxFaces`, largest-and-most-central first). */
  async analyse(
    img: RgbImage,
    opts: { roi?: Rect; padRetry?: boolean; dropKey?: string; maxFaces?: number } = {},
  ): Promise<FaceObservation[]> {
    const dets = await this.detect(img, opts);
    const ordered: Detection[] = [];
    const rest = [...dets];
    while (rest.length) {
      const best = chooseMainFace(rest, img.width, img.height)!;
      ordered.push(best);
      rest.splice(rest.indexOf(best), 1);
    }
    const out: FaceObservation[] = [];
    for (const d of ordered.slice(0, opts.maxFaces ?? ordered.length)) out.push(await this.describe(img, d));
    return out;
  }

  /** Embeddings of views of an aligned face (enrolment augmentation, see augment.ts). */
  async embedViews(img: RgbImage, points5: readonly Point[], views: readonly AlignedView[]): Promise<Float32Array[]> {
    const map = alignmentMap(points5);
    const out: Float32Array[] = [];
    for (const v of views) {
      const t = warpToTensor(img, composeAffine(map, v.jitter), 112, 112, { layout: 'nchw', ...NORM, fill: 0 });
      applyViewToTensor(t, v, 112, 112, NORM.mean, NORM.std);
      out.push(await this.models.embed(t));
    }
    return out;
  }

  private async livenessOf(img: RgbImage, box: FaceBox): Promise<number> {
    const w = box.x2 - box.x1;
    const h = box.y2 - box.y1;
    const s = Math.min(2.7, (img.width - 1) / w, (img.height - 1) / h);
    let x = (box.x1 + box.x2) / 2 - (w * s) / 2;
    let y = (box.y1 + box.y2) / 2 - (h * s) / 2;
    x = Math.min(Math.max(0, x), img.width - w * s);
    y = Math.min(Math.max(0, y), img.height - h * s);
    const input = warpToTensor(img, rectMap({ x, y, width: w * s, height: h * s }, 128, 128), 128, 128, {
      layout: 'nchw',
      mean: 0,
      std: 1,
    });
    const logits = await this.models.liveness(input);
    const max = Math.max(...logits);
    const exps = Array.from(logits, (v) => Math.exp(v - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    return exps[1]! / sum;
  }
}
