/**
 * Evaluation on a labelled folder (dataset.ts layout): scenes are read with the full scene
 * pipeline, crops as tight plates. A scene counts as exact when its label is among the plates
 * read (photos may show other vehicles); `scene_top1`, the headline, is the stricter "first read
 * right": the read the gate acts on. `per_colour` counts scenes and crops; `top1` only for scenes
 * (a crop's one read is its first).
 */
import { percentile } from '../../core/percentile.js';
import { decodeImage } from '../../lib/imaging/image.js';
import { loadPlateDataset, type LabelledImage } from './dataset.js';
import { plateDistance } from './match.js';
import type { PlateReader, PlateResult } from './plate-reader.js';
import { errMessage } from '../../core/errors.js';
import { FAILURE_CAUSES, failureCause, plateClass, type FailureCause } from './eval-causes.js';

export interface ImageOutcome {
  image: LabelledImage;
  reads: string[];
  confidences: number[];
  exact: boolean;
  ms: number;
  error?: string;
}

export interface PlateEvalReport {
  scenes: number;
  crops: number;
  scene_top1: number;
  scene_exact: number;
  crop_exact: number;
  char_accuracy: number;
  colour_accuracy: number;
  per_colour: Record<string, { n: number; exact: number; top1: number }>;
  per_colour_scenes: Record<string, { n: number; exact: number; top1: number }>;
  per_source: Record<string, { n: number; exact: number }>;
  /** Scenes by kind of plate (eval-causes.ts: blue, green new-energy, yellow large/two-row, other). */
  per_class_scenes: Record<string, { n: number; exact: number; top1: number }>;
  per_class_crops: Record<string, { n: number; exact: number; top1: number }>;
  /** First reads that were not the label, by cause (eval-causes.ts). */
  scene_failures: Record<FailureCause, number>;
  crop_failures: Record<FailureCause, number>;
  errors: number;
  ms_p50: number;
  ms_p95: number;
  scene_ms_p50: number;
  crop_ms_p50: number;
  /** The reader's options the figures were measured with. */
  reader: PlateReader['options'];
}

const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

function causes(of: readonly ImageOutcome[]): Record<FailureCause, number> {
  const out = Object.fromEntries(FAILURE_CAUSES.map((c) => [c, 0])) as Record<FailureCause, number>;
  for (const o of of) {
    const c = failureCause(o.image.plate, o.reads, o.error);
    if (c) out[c]++;
  }
  return out;
}

export async function evaluatePlates(
  dir: string,
  reader: PlateReader,
  onImage?: (o: ImageOutcome) => void,
): Promise<{ report: PlateEvalReport; outcomes: ImageOutcome[] }> {
  const images = loadPlateDataset(dir);
  const outcomes: ImageOutcome[] = [];
  let charErrors = 0;
  let chars = 0;
  let colourOk = 0;
  let colourN = 0;
  for (const image of images) {
    let reads: PlateResult[] = [];
    let error: string | undefined;
    const t0 = performance.now();
    try {
      const img = await decodeImage(image.path, { lenient: true, source: image.path });
      if (image.kind === 'crop') {
        const r = await reader.readCrop(img);
        reads = r ? [r] : [];
      } else reads = await reader.readScene(img);
    } catch (err) {
      error = errMessage(err);
    }
    const ms = performance.now() - t0;
    const plates = reads.map((r) => r.plate);
    const exact = plates.includes(image.plate);
    // Character errors against the closest read (the whole label counts as wrong if nothing was read).
    const closest = reads.map((r) => ({ r, d: plateDistance(r.plate, image.plate, 1) })).sort((a, b) => a.d - b.d)[0];
    charErrors += closest ? Math.min(closest.d, [...image.plate].length) : [...image.plate].length;
    chars += [...image.plate].length;
    if (image.colour !== 'unknown' && closest) {
      colourN++;
      if (closest.r.colour === image.colour) colourOk++;
    }
    const o: ImageOutcome = { image, reads: plates, confidences: reads.map((r) => r.confidence), exact, ms, ...(error ? { error } : {}) };
    outcomes.push(o);
    onImage?.(o);
  }
  const scenes = outcomes.filter((o) => o.image.kind === 'scene');
  const crops = outcomes.filter((o) => o.image.kind === 'crop');
  const frac = (xs: ImageOutcome[], f: (o: ImageOutcome) => boolean) => (xs.length ? round(xs.filter(f).length / xs.length) : 0);
  const group = (key: (o: ImageOutcome) => string, of: readonly ImageOutcome[] = outcomes) => {
    const out: Record<string, { n: number; exact: number; top1: number }> = {};
    for (const o of of) {
      const k = key(o);
      out[k] ??= { n: 0, exact: 0, top1: 0 };
      out[k].n++;
      if (o.exact) out[k].exact++;
      if (o.reads[0] === o.image.plate) out[k].top1++;
    }
    return out;
  };
  const report: PlateEvalReport = {
    scenes: scenes.length,
    crops: crops.length,
    scene_top1: frac(scenes, (o) => o.reads[0] === o.image.plate),
    scene_exact: frac(scenes, (o) => o.exact),
    crop_exact: frac(crops, (o) => o.exact),
    char_accuracy: chars ? round(1 - charErrors / chars) : 0,
    colour_accuracy: colourN ? round(colourOk / colourN) : 0,
    per_colour: group((o) => o.image.colour),
    per_colour_scenes: group((o) => o.image.colour, scenes),
    per_source: group((o) => `${o.image.kind}:${o.image.splitGroup.split(':')[0]}`),
    per_class_scenes: group((o) => plateClass(o.image.plate, o.image.colour), scenes),
    per_class_crops: group((o) => plateClass(o.image.plate, o.image.colour), crops),
    scene_failures: causes(scenes),
    crop_failures: causes(crops),
    errors: outcomes.filter((o) => o.error).length,
    ms_p50: round(
      percentile(
        outcomes.map((o) => o.ms),
        50,
      ) || 0,
      1,
    ),
    ms_p95: round(
      percentile(
        outcomes.map((o) => o.ms),
        95,
      ) || 0,
      1,
    ),
    scene_ms_p50: round(
      percentile(
        scenes.map((o) => o.ms),
        50,
      ) || 0,
      1,
    ),
    crop_ms_p50: round(
      percentile(
        crops.map((o) => o.ms),
        50,
      ) || 0,
      1,
    ),
    reader: reader.options,
  };
  return { report, outcomes };
}
