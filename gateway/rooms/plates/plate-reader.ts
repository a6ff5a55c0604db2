/**
 * The per-frame plate pipeline: detect text regions → pick plate-shaped candidates → warp each
 * upright → read all in one batch under the plate grammar → keep valid, confident, distinct reads.
 * A cheap pass at `fastLongSide` runs first; the full `longSide` pass only when it found no
 * confident plate. One InferenceWorker hosts both models.
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import { cropRgb } from '../../lib/imaging/image.js';
import type { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { PlateDetector } from './detector.js';
import { PlateRecogniser, type PlateRead } from './recognizer.js';
import { cutCandidate, pickCandidates, twoRowFromBottom, type Candidate, type CandidateOptions } from './candidates.js';
import { boundsOf, type Point, type RotatedRect } from './geometry.js';
import { colourEvidence } from './colour.js';
import type { ProvincePrior } from './ctc-decode.js';
import { isDecisive, mergeResults, rankReads } from './ranking.js';
import type { PlateResult } from './plate-result.js';

export type { PlateResult } from './plate-result.js';

/** Crop-first windows are detected at this multiple of the finest pass's scale. */
const WINDOW_ZOOM = 1.5;

/** Candidates read per recogniser batch after the plate-like ones (a frame may hold several cars). */
const BATCH = 4;

/**
 * How plate-like a cut-out candidate looks before reading it: detector score, aspect near a
 * plate's, and a saturated blue/yellow/green background. Only orders the reading.
 */
export function plateLikeness(crop: RgbImage, score: number): { rank: number; plateLike: boolean } {
  const aspect = crop.width / Math.max(1, crop.height);
  const aspectFit = aspect >= 1.8 && aspect <= 7;
  const e = colourEvidence(crop);
  const coloured = e.hue >= 20 && e.hue <= 270 && e.saturation > 0.25;
  return { rank: score * (aspectFit ? 1 : 0.6) * (coloured ? 1 : 0.5), plateLike: aspectFit && coloured };
}

export interface ReaderOptions {
  longSide: number;
  /** 0 disables the cheap first pass. */
  fastLongSide: number;
  /** A last pass at this long side when nothing confident was read (small or odd plates); 0 disables. */
  fallbackLongSide: number;
  /** A read at least this confident (mean) with every character at least `confidentChar` ends the search. */
  confident: number;
  confidentChar: number;
  /** Reads below this mean confidence are dropped. */
  minConfidence: number;
  /** Crop-first: windows searched at the finest resolution after a pass without a decisive read (0: whole-frame passes only). */
  refineWindows: number;
  /** A read at least this confident, looked at again in a window, spares the whole-frame fallback pass. */
  settle: number;
  candidates: Partial<CandidateOptions>;
  /** The installer's local province, preferred by the decoder (plates.provincePrior); none by default. */
  provincePrior?: ProvincePrior;
}

export const READER_DEFAULTS: ReaderOptions = {
  longSide: 960,
  fastLongSide: 640,
  fallbackLongSide: 1280,
  confident: 0.93,
  confidentChar: 0.75,
  minConfidence: 0.6,
  refineWindows: 3,
  settle: 0.8,
  candidates: {},
};

export class PlateReader {
  readonly detector: PlateDetector;
  readonly recogniser: PlateRecogniser;
  readonly options: ReaderOptions;

  constructor(ctx: { worker: InferenceWorker; options?: Partial<ReaderOptions> }) {
    this.detector = new PlateDetector({ worker: ctx.worker });
    this.options = { ...READER_DEFAULTS, ...ctx.options };
    this.recogniser = new PlateRecogniser({
      worker: ctx.worker,
      options: {
        confident: this.options.confident,
        confidentChar: this.options.confidentChar,
        ...(this.options.provincePrior ? { provincePrior: this.options.provincePrior } : {}),
      },
    });
  }

  async load(): Promise<void> {
    await Promise.all([this.detector.load(), this.recogniser.load()]);
  }

  /**
   * Reads a tightly cropped plate (the whole image is the plate). When that read is not
   * confident, the crop is also searched like a small scene (its rows found by the detector,
   * which also pairs the two rows of yellow plates) and the more confident read wins.
   */
  async readCrop(img: RgbImage): Promise<PlateResult | undefined> {
    const o = this.options;
    const [r] = await this.recogniser.read([img]);
    const quad = [
      { x: 0, y: 0 },
      { x: img.width, y: 0 },
      { x: img.width, y: img.height },
      { x: 0, y: img.height },
    ];
    const whole = r && r.plate ? toResult(r, quad, 'crop', img) : undefined;
    if (whole && whole.confidence >= o.confident && whole.minCharProb >= o.confidentChar) return whole;
    const side = Math.max(320, Math.ceil(Math.max(img.width, img.height) / 32) * 32);
    const [scene] = await this.readScene(img, { passes: [side] });
    if (scene && (!whole || scene.confidence > whole.confidence)) return scene;
    return whole;
  }

  /**
   * Reads every plate in a scene frame, most confident first. `roi` limits the search.
   *
   * Passes from coarse to fine (fastLongSide, longSide, fallbackLongSide) until a decisive read.
   * Crop-first: after a pass without one, the places where it saw a plate (unsure reads, then
   * plate-like candidates; at most `refineWindows`) are searched again in a window around each at
   * the finest pass's resolution, before (and usually instead of) the next whole-frame pass: a
   * window costs a few percent of a full-resolution detection. A window that reads the same plate
   * the coarse pass read there ends the search too (a finer whole-frame pass would read it again).
   */
  async readScene(
    frame: RgbImage,
    opts: {
      roi?: { x: number; y: number; width: number; height: number };
      dropKey?: string;
      passes?: number[];
      /** Called once with the first decisive read, while the rest of the frame is still being read. */
      onDecisive?: (r: PlateResult) => void;
    } = {},
  ): Promise<PlateResult[]> {
    const o = this.options;
    let base = frame;
    let ox = 0;
    let oy = 0;
    if (opts.roi) {
      base = cropRgb(frame, opts.roi);
      ox = Math.max(0, Math.floor(opts.roi.x));
      oy = Math.max(0, Math.floor(opts.roi.y));
    }
    const long = Math.max(base.width, base.height);
    const passes = opts.passes ?? [
      ...(o.fastLongSide > 0 && o.fastLongSide < long ? [o.fastLongSide] : []),
      o.longSide,
      ...(o.fallbackLongSide > o.longSide && o.longSide < long ? [o.fallbackLongSide] : []),
    ];
    const sideOf = (longSide: number) => (opts.passes ? longSide : Math.min(longSide, Math.ceil(long / 32) * 32));
    const finest = sideOf(passes[passes.length - 1] ?? o.longSide) / long;
    const state = { handed: false, onDecisive: opts.onDecisive, dropKey: opts.dropKey };
    let results: PlateResult[] = [];
    const decisive = () => results.some((r) => isDecisive(r, o));
    const refined: Box[] = [];
    for (const [p, longSide] of passes.entries()) {
      // The whole-frame fallback pass is for plates no pass has read well; where one was
      // (at least `settle`), the windows already looked there at the finest resolution.
      if (p > 0 && p === passes.length - 1 && !opts.passes && refined.length > 0 && results.some((r) => r.confidence >= o.settle)) break;
      const side = sideOf(longSide);
      const regions = await this.detector.detect(base, { longSide: side, ...(opts.dropKey ? { dropKey: opts.dropKey } : {}) });
      const pass = await this.readRegions(base, regions, { x: ox, y: oy }, state);
      results = mergeResults([...results, ...pass.found]);
      if (decisive()) break;
      if (p === passes.length - 1 || opts.passes || o.refineWindows <= 0) continue;
      // Crop-first: where this pass saw a plate, look again at the finest resolution.
      const places = [...pass.found.map((r) => r.box), ...pass.plateLike.map((q) => offsetBox(boundsOf(q), ox, oy))];
      const windows: Box[] = [];
      for (const b of places) {
        const w = refineWindow(b, ox, oy, base);
        if (windows.length < o.refineWindows && ![...refined, ...windows].some((x) => overlapRatio(x, w) > 0.6)) windows.push(w);
      }
      refined.push(...windows);
      let settled = false;
      for (const w of windows) {
        const img = cropRgb(base, w);
        // 1.5 times the finest pass's scale: a window is small, and a small plate reads better larger.
        const winSide = Math.max(64, Math.ceil((Math.max(img.width, img.height) * finest * WINDOW_ZOOM) / 32) * 32);
        const found = await this.detector.detect(img, { longSide: winSide, ...(opts.dropKey ? { dropKey: opts.dropKey } : {}) });
        const read = await this.readRegions(img, found, { x: ox + w.x, y: oy + w.y }, state);
        results = mergeResults([...results, ...read.found]);
        // The finest resolution reads what the coarse pass read there: the next pass would too.
        settled ||= read.found.some((r) => pass.found.some((c) => c.plate === r.plate && overlapRatio(c.box, r.box) > 0.5));
        if (decisive()) break;
      }
      if (decisive() || settled) break;
    }
    return rankReads(results, o, { x: ox, y: oy, width: base.width, height: base.height });
  }

  /**
   * Reads the plate candidates among one detection's regions of `img` (whose origin is `off` in
   * the frame). The most plate-like candidate is read alone first (a decisive read of it is
   * handed to `onDecisive` at once: the gate need not wait for the rest), then the other
   * plate-like ones (plate aspect and colour; a frame may hold several cars), then the rest in
   * batches of 4 only until a confident plate was read.
   */
  private async readRegions(
    img: RgbImage,
    regions: Parameters<typeof pickCandidates>[0],
    off: { x: number; y: number },
    state: { handed: boolean; onDecisive?: ((r: PlateResult) => void) | undefined },
  ): Promise<{ found: PlateResult[]; plateLike: Point[][] }> {
    const o = this.options;
    const picked = pickCandidates(regions, o.candidates);
    const cutOut = picked.map((c) => cutCandidate(img, c));
    const order = picked
      .map((c, i) => ({ c, crop: cutOut[i] as RgbImage, ...plateLikeness(cutOut[i] as RgbImage, c.score) }))
      .sort((a, b) => b.rank - a.rank);
    const plateLike = Math.min(BATCH, order.filter((x) => x.plateLike).length);
    const found: PlateResult[] = [];
    const at = (c: Candidate) => c.quad.map((p) => ({ x: p.x + off.x, y: p.y + off.y }));
    for (let i = 0; i < order.length;) {
      const size = i === 0 ? 1 : i < plateLike ? plateLike - i : BATCH;
      const batch = order.slice(i, i + size);
      i += size;
      const reads = await this.recogniser.read(batch.map((b) => b.crop));
      const retry: { c: Candidate; crop: RgbImage }[] = [];
      reads.forEach((r, k) => {
        const { c, crop, plateLike } = batch[k] as (typeof order)[number];
        if (r.plate !== '' && r.confidence >= o.minConfidence) found.push(toResult(r, at(c), c.kind, crop));
        // 4–6 letters/digits on a plate-coloured box and no plate: the serial row of a two-row
        // plate whose top row went unseen.
        if (
          c.kind === 'single' &&
          plateLike &&
          /^[A-Z0-9]{4,6}$/.test(r.raw.replace(/[^A-Z0-9]/g, '')) &&
          r.raw.replace(/[A-Z0-9·.\-\s]/g, '').length === 0
        ) {
          const two = twoRowFromBottom(c.rows[0] as RotatedRect, c.score);
          retry.push({ c: two, crop: cutCandidate(img, two) });
        }
      });
      if (retry.length) {
        const again = await this.recogniser.read(retry.map((x) => x.crop));
        again.forEach((r, k) => {
          const { c, crop } = retry[k] as { c: Candidate; crop: RgbImage };
          if (r.plate !== '' && r.confidence >= o.minConfidence) found.push(toResult(r, at(c), c.kind, crop));
        });
      }
      const decisive = found.find((r) => isDecisive(r, o));
      if (decisive && !state.handed) {
        state.handed = true;
        state.onDecisive?.(decisive);
      }
      if (decisive && i >= plateLike) break;
    }
    return { found, plateLike: order.filter((x) => x.plateLike).map((x) => x.c.quad) };
  }
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const offsetBox = (b: Box, x: number, y: number): Box => ({ ...b, x: b.x + x, y: b.y + y });

/** Intersection over the smaller box's area. */
function overlapRatio(a: Box, b: Box): number {
  const x = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (x * y) / Math.max(1, Math.min(a.width * a.height, b.width * b.height));
}

/**
 * The window searched again around a plate seen at a coarse pass (frame box `b`), in the
 * coordinates of the searched image (origin ox, oy): its width again on each side and room
 * above for a two-row plate's top row, clamped to the image.
 */
function refineWindow(b: Box, ox: number, oy: number, img: RgbImage): Box {
  const x0 = Math.max(0, Math.floor(b.x - ox - b.width));
  const y0 = Math.max(0, Math.floor(b.y - oy - 2 * b.height));
  const x1 = Math.min(img.width, Math.ceil(b.x - ox + 2 * b.width));
  const y1 = Math.min(img.height, Math.ceil(b.y - oy + 3 * b.height));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

function toResult(r: PlateRead, quad: Point[], kind: PlateResult['kind'], crop: RgbImage): PlateResult {
  const b = boundsOf(quad);
  const box = { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) };
  return {
    plate: r.plate,
    colour: r.colour,
    confidence: r.confidence,
    minCharProb: r.minCharProb,
    evidence: r.evidence,
    box,
    quad,
    kind,
    crop,
  };
}
