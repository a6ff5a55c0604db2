/**
 * Reading plate crops with the PP-OCRv4 recogniser (CTC), decoded under the plate grammar.
 * Crops are scaled to height 48 keeping their aspect and right-padded to width 320 (stretching
 * plate-shaped crops wider hurts; without the padding 0 turns into O and 1 into I).
 *
 * A crop narrower than a plate (a sheared or tilted plate whose box is too tall) gives the model
 * too few output columns (one per 8 px of width), and repeated characters (999, 44) need a blank
 * column between them, so they merge. When such a crop's read looks like most of a plate (5 or
 * more plate characters in the raw text) but is not confident, it is read again widened to a
 * plate's aspect (a green plate's is 480/440 wider) and the better-fitting read is kept. Only
 * then: most real plate boxes are a little narrow, and a second read of every one costs ~25 ms.
 */
import type { RgbImage } from '../../lib/imaging/image.js';
import type { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { modelPath, readModelText } from '../../lib/inference/models.js';
import { buildPlateAlphabet, colourPrior, decodePlate, type PlateAlphabet, type PlateDecode, type ProvincePrior } from './ctc-decode.js';
import { resizeBilinear } from './geometry.js';
import { classifyColour } from './colour.js';
import { PLATE_ALPHABET } from '../../lib/plate-text/grammar.js';
import type { PlateColour } from './dataset.js';

export interface PlateRead extends PlateDecode {
  colour: PlateColour;
}

export const REC_MODEL = 'text-recognise-ppocrv4';
export const REC_FILE = 'text-recognise-ppocrv4.onnx';
export const REC_KEYS = 'text-recognise-ppocrv4.keys.txt';
export const REC_HEIGHT = 48;
export const REC_WIDTH = 320;

/** Scales a crop to height 48 (width <= 320, aspect kept) with bilinear sampling. */
export function toRecogniserSize(img: RgbImage): RgbImage {
  const w = Math.max(1, Math.min(REC_WIDTH, Math.round((img.width / Math.max(1, img.height)) * REC_HEIGHT)));
  if (img.width === w && img.height === REC_HEIGHT) return img;
  return resizeBilinear(img, w, REC_HEIGHT);
}

/**
 * Writes crops (each already 48 high, <= 320 wide) as a [N, 3, 48, 320] BGR tensor,
 * (x/255 - 0.5) / 0.5, right-padded with 0 (mid-grey after normalisation).
 */
export function recogniserTensor(crops: readonly RgbImage[]): Float32Array {
  const plane = REC_HEIGHT * REC_WIDTH;
  const out = new Float32Array(crops.length * 3 * plane);
  crops.forEach((img, n) => {
    if (img.height !== REC_HEIGHT || img.width > REC_WIDTH)
      throw new Error(`crop must be ${REC_HEIGHT} high and at most ${REC_WIDTH} wide, got ${img.width}x${img.height}`);
    const base = n * 3 * plane;
    for (let y = 0; y < REC_HEIGHT; y++) {
      for (let x = 0; x < img.width; x++) {
        const s = (y * img.width + x) * 3;
        const d = y * REC_WIDTH + x;
        out[base + d] = (img.data[s + 2] as number) / 127.5 - 1; // B
        out[base + plane + d] = (img.data[s + 1] as number) / 127.5 - 1; // G
        out[base + 2 * plane + d] = (img.data[s] as number) / 127.5 - 1; // R
      }
    }
  });
  return out;
}

export interface RecogniserOptions {
  /** A crop narrower than this (width / height) is also read widened; 0 disables. */
  widenBelow: number;
  /** The aspect a narrow crop is widened to (a single-row plate with its frame is ~3.1). */
  widenTo: number;
  /** A read at least this confident (mean) with every character at least `confidentChar` is not re-read. */
  confident: number;
  confidentChar: number;
  /** The installer's local province, preferred at the province position (none by default). */
  provincePrior?: ProvincePrior;
}

export const RECOGNISER_DEFAULTS: RecogniserOptions = { widenBelow: 2.8, widenTo: 3.2, confident: 0.93, confidentChar: 0.75 };

/** A green (new-energy) plate is 480 mm wide, a standard one 440: its crops are that much wider. */
const widthFactor = (r: PlateRead) => (r.colour === 'green' ? 480 / 440 : 1);

/**
 * How well a read fits, to choose between two reads of one crop: its confidence with the colour
 * prior the decoder applied spread over its characters (a 7-character read of a green plate
 * loses to a slightly less confident 8-character one).
 */
export function readFit(r: {
  template: PlateRead['template'];
  confidence: number;
  charProbs: readonly number[];
  colour: PlateColour;
}): number {
  return r.template ? r.confidence * Math.exp(colourPrior(r.colour)(r.template) / Math.max(1, r.charProbs.length)) : 0;
}

export class PlateRecogniser {
  private readonly worker: InferenceWorker;
  private readonly options: RecogniserOptions;
  private alphabet: PlateAlphabet | undefined;
  private loading: Promise<void> | undefined;

  constructor(ctx: { worker: InferenceWorker; options?: Partial<RecogniserOptions> }) {
    this.worker = ctx.worker;
    this.options = { ...RECOGNISER_DEFAULTS, ...ctx.options };
  }

  load(): Promise<void> {
    this.loading ??= (async () => {
      const keys = readModelText(REC_KEYS)
        .split('\n')
        .filter((_, i, a) => i < a.length - 1 || a[i] !== '');
      await this.worker.load(REC_MODEL, modelPath(REC_FILE));
      this.alphabet = buildPlateAlphabet(keys.map((k) => k.replace(/\r$/, '')));
    })();
    return this.loading;
  }

  /** Reads several plate crops in one batch; narrow crops read unsurely are read again widened. */
  async read(crops: readonly RgbImage[], opts: { dropKey?: string } = {}): Promise<PlateRead[]> {
    if (crops.length === 0) return [];
    const o = this.options;
    const sized = crops.map(toRecogniserSize);
    const reads = await this.readSized(sized, opts);
    const unsure = sized.flatMap((img, i) => {
      const r = reads[i] as PlateRead;
      const sure = r.confidence >= o.confident && r.minCharProb >= o.confidentChar;
      const plateLike = [...r.raw].filter((c) => PLATE_ALPHABET.has(c)).length >= 5;
      return img.width < o.widenBelow * widthFactor(r) * REC_HEIGHT && plateLike && !sure ? [i] : [];
    });
    if (unsure.length === 0) return reads;
    const wide = unsure.map((i) =>
      resizeBilinear(sized[i] as RgbImage, Math.round(o.widenTo * widthFactor(reads[i] as PlateRead) * REC_HEIGHT), REC_HEIGHT),
    );
    const again = await this.readSized(wide, opts);
    unsure.forEach((i, k) => {
      const r = again[k] as PlateRead;
      if (r.plate && readFit(r) > readFit(reads[i] as PlateRead)) reads[i] = r;
    });
    return reads;
  }

  private async readSized(sized: readonly RgbImage[], opts: { dropKey?: string }): Promise<PlateRead[]> {
    await this.load();
    const alpha = this.alphabet as PlateAlphabet;
    const data = recogniserTensor(sized);
    const out = await this.worker.run(REC_MODEL, { x: { type: 'float32', dims: [sized.length, 3, REC_HEIGHT, REC_WIDTH], data } }, opts);
    const t = Object.values(out)[0];
    if (!t) throw new Error('recogniser returned no output');
    const [n, frames, classes] = t.dims as [number, number, number];
    if (classes !== alpha.numClasses) throw new Error(`recogniser output has ${classes} classes, dictionary implies ${alpha.numClasses}`);
    const probs = t.data as Float32Array;
    const results: PlateRead[] = [];
    for (let i = 0; i < n; i++) {
      let colour = classifyColour(sized[i] as RgbImage);
      const d = decodePlate(probs.subarray(i * frames * classes, (i + 1) * frames * classes), frames, alpha, {
        prior: colourPrior(colour),
        ...(this.options.provincePrior ? { provincePrior: this.options.provincePrior } : {}),
      });
      // A confident 8-character read on a pale plate is a new-energy plate.
      if (colour === 'white' && d.plate.length === 8) colour = 'green';
      results.push({ ...d, colour });
    }
    return results;
  }
}
