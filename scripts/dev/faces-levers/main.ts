/**
 * Two levers on how the gateway uses its face embeddings, measured at community scale the way
 * `sharpeyes eval faces DIR --json` measures its `scale` rows (issue #20; results in
 * models/README.md, "At community scale"):
 *
 *   npx tsx scripts/dev/faces-levers/main.ts ../shared/datasets/faces
 *
 * Every photo goes through the eval's own collector (eval/collect.ts: the daemon's pipeline,
 * enrolment checks and templates), once; each described face is also embedded mirrored.
 *   1. Mirror test-time augmentation: a probe's embedding is the unit mean of the aligned face's and
 *      its mirror's (templates unchanged: they already average a mirrored view, augment.ts). Rows:
 *      the eval's own policy fit (eval/policy-fit.ts) and scale rows (eval/scale.ts), plain vs mirror.
 *   2. Cohort normalisation (cohort-norm.ts): each variant's threshold line fitted on the fitting
 *      half of `_unknown` only, rows on the reporting half (folds.ts), the strangers let in named.
 * About 20 minutes at load 3 (the template cohorts of 80 galleries of ~1,260 dominate); nothing is written.
 */
import { jitterMap } from '../../../gateway/rooms/faces/augment.js';
import { loadFacesConfig } from '../../../gateway/rooms/faces/cli-support.js';
import type { Detection } from '../../../gateway/rooms/faces/detection.js';
import { meanTemplate } from '../../../gateway/rooms/faces/enrol.js';
import { collectFaces, type Collected } from '../../../gateway/rooms/faces/eval/collect.js';
import { readFaceDataset } from '../../../gateway/rooms/faces/eval/dataset.js';
import { fitPolicy } from '../../../gateway/rooms/faces/eval/policy-fit.js';
import { scaleFigures, scaleIdentities, strangerHalves } from '../../../gateway/rooms/faces/eval/scale.js';
import { shuffled } from '../../../gateway/rooms/faces/eval/gallery-size.js';
import { FaceModels } from '../../../gateway/rooms/faces/models.js';
import { FacePipeline, type FaceObservation } from '../../../gateway/rooms/faces/pipeline.js';
import { looksOf, pipelineOptions } from '../../../gateway/rooms/faces/settings.js';
import { passageThresholdFor } from '../../../gateway/rooms/faces/threshold-policy.js';
import type { RgbImage } from '../../../gateway/lib/imaging/image.js';
import { fitLine, RAW, type CohortNorm } from './cohort-norm.js';
import { leverRows, type LeverInput } from './folds.js';

const MIRROR = { name: 'flip', jitter: jitterMap(1, 0), flip: true };

/** The daemon's pipeline, also embedding every described face mirrored (kept beside, by embedding). */
class MirrorRecorder extends FacePipeline {
  readonly mirrored = new WeakMap<Float32Array, Float32Array>();
  readonly mirrorMs: number[] = [];
  readonly embedMs: number[] = [];
  override async describe(img: RgbImage, det: Detection): Promise<FaceObservation> {
    const face = await super.describe(img, det);
    this.embedMs.push(this.timings.embedMs);
    const t0 = performance.now();
    const [m] = await this.embedViews(img, face.points5, [MIRROR]);
    this.mirrorMs.push(performance.now() - t0);
    this.mirrored.set(face.embedding, m!);
    return face;
  }
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: npx tsx scripts/dev/faces-levers/main.ts DIR');
const cfg = loadFacesConfig(undefined).config.faces;
const models = new FaceModels({ name: 'faces-levers' });
await models.load();
const pipeline = new MirrorRecorder({ models, options: pipelineOptions(cfg) });
let c: Collected;
try {
  c = await collectFaces(readFaceDataset(dir), pipeline, { enrolPhotos: 1, extraTemplates: 3, strangerTemplates: true, skipNoface: true });
} finally {
  await models.close();
}
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!.toFixed(1);
console.log(
  `${pipeline.embedMs.length} faces; embedding p50 ${pct(pipeline.embedMs, 0.5)} ms, p95 ${pct(pipeline.embedMs, 0.95)} ms; ` +
    `mirror view (warp, flip, embedding) p50 ${pct(pipeline.mirrorMs, 0.5)} ms, p95 ${pct(pipeline.mirrorMs, 0.95)} ms`,
);

const tta = (e: Float32Array | null) => (e && pipeline.mirrored.has(e) ? meanTemplate([e, pipeline.mirrored.get(e)!]) : e);
const looks = looksOf(cfg);
const sizes = [50, 500, 1500];

// 1. Mirror TTA through the eval's own fit and scale rows.
for (const mode of ['plain', 'mirror'] as const) {
  const probe = mode === 'mirror' ? tta : (e: Float32Array | null) => e;
  const strangers = c.strangers.map((s) => ({ embedding: probe(s.embedding), template: s.template }));
  const { fitting } = strangerHalves(strangers.length);
  const fit = fitPolicy(
    fitting.flatMap((i) => strangers[i]!.embedding ?? []),
    [
      ...fitting.flatMap((i, k) => (strangers[i]!.template ? [{ owner: k, template: strangers[i]!.template! }] : [])),
      ...c.identities.flatMap((i) => i.templates.map((t) => ({ owner: -1, template: t.template }))),
    ],
    { targetFar: 0.001, referenceSize: cfg.gallery.referenceSize, sizes, set: 'fitting half' },
  )!;
  const scaling = { referenceSize: cfg.gallery.referenceSize, risePerDecade: fit.rise_per_decade };
  const { rows } = scaleFigures(
    {
      identities: scaleIdentities(c.identities, probe),
      strangers,
      thresholdFor: (n) => passageThresholdFor(fit.threshold, n, scaling, cfg.tracking),
      learning: cfg.learning,
      looks,
    },
    sizes,
  );
  console.log(`\n${mode}: policy fitted on the fitting half ${fit.threshold} at 50, +${fit.rise_per_decade} per decade`);
  for (const r of rows.filter((x) => !x.learned))
    console.log(
      `  ${r.residents} (built ${r.built}), ${r.photos} photo(s): threshold ${r.threshold}, FAR ${r.false_accepts}/${r.stranger_probes}, FRR ${(r.frr * 100).toFixed(1)}% (${r.rejected} refused)`,
    );
}

// 2. Cohort normalisation, each variant's line fitted on the fitting half.
const people = c.identities
  .map((i) => {
    const groups = new Set(i.templates.map((t) => t.group));
    return { templates: i.templates.map((t) => t.template), probes: i.faces.filter((f) => !groups.has(f.group)).map((f) => f.embedding) };
  })
  .filter((p) => p.templates.length >= 3 && p.probes.length > 0);
const input: LeverInput = { people, strangers: c.strangers.map((s) => ({ embedding: s.embedding, template: s.template, photo: s.photo })) };
const { fitting } = strangerHalves(c.strangers.length);
const poolIdx = shuffled(fitting.length, 7)
  .map((k) => fitting[k]!)
  .filter((s) => c.strangers[s]!.template);
const pool = poolIdx.map((s) => c.strangers[s]!.template!);
const fitProbes = fitting.flatMap((s) =>
  c.strangers[s]!.embedding ? [{ embedding: c.strangers[s]!.embedding!, own: poolIdx.indexOf(s) }] : [],
);
const residents = c.identities.flatMap((i) => (i.templates[0] ? [i.templates[0].template] : []));
const fitSizes = [50, 100, 200, 400, Math.min(700, residents.length + pool.length)];
const variants: Array<[string, CohortNorm]> = [
  ['raw (same fitting method)', RAW],
  ['probe cohort 0.5, k 10', { probeWeight: 0.5, templateWeight: 0, k: 10 }],
  ['probe cohort 1, k 10', { probeWeight: 1, templateWeight: 0, k: 10 }],
  ['probe cohort 0.5, k 20', { probeWeight: 0.5, templateWeight: 0, k: 20 }],
  ['probe cohort 1, k 50', { probeWeight: 1, templateWeight: 0, k: 50 }],
  ['template cohort 0.5, k 10', { probeWeight: 0, templateWeight: 0.5, k: 10 }],
  ['template cohort 1, k 10', { probeWeight: 0, templateWeight: 1, k: 10 }],
  ['both 0.5/0.5, k 10', { probeWeight: 0.5, templateWeight: 0.5, k: 10 }],
];
for (const [name, norm] of variants) {
  const line = fitLine(fitProbes, residents, pool, fitSizes, norm);
  if (!line) continue;
  const threshold = (n: number) => line.t50 + line.rise * Math.log10((n * looks) / 50);
  const points = line.points.map((p) => `${p.size}: ${p.threshold.toFixed(3)}`).join(', ');
  console.log(`\n${name}: fitted ${line.t50.toFixed(3)} at 50, ${line.rise >= 0 ? '+' : ''}${line.rise.toFixed(3)} per decade (${points})`);
  for (const r of leverRows(input, norm, threshold, sizes))
    console.log(
      `  ${r.residents} (built ${r.built}), ${r.photos} photo(s): threshold ${r.threshold}, FAR ${r.falseAccepts}/${r.strangerProbes}, ` +
        `FRR ${r.rejected}/${r.decisions} = ${((r.rejected / r.decisions) * 100).toFixed(1)}%${r.photos === 1 && r.falseAccepts ? `; let in: ${r.acceptedStrangers.join('; ')}` : ''}`,
    );
}
