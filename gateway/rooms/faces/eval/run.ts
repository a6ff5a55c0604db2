/**
 * `sharpeyes eval faces DIR`: enrol one photo of each identity (a resident's registration photo;
 * with the same checks and templates as `residents add`; a refused photo passes the turn to the
 * next, as a resident would be asked for another), probe with the photos of the other split
 * groups, probe with every `_unknown` stranger, count detections on `_noface`.
 *
 * The headline (`at_config`) is the operating point at the threshold policy the daemon is
 * configured with, for this gallery's size: nothing is fitted to the photos evaluated. The
 * threshold that would meet the target FAR on these very strangers is reported as a secondary,
 * optimistic figure (`fitted`). `gallery_sizes` shows the policy on galleries grown with strangers.
 */
import type { FacePipeline } from '../pipeline.js';
import { collectFaces } from './collect.js';
import { readFaceDataset } from './dataset.js';
import { galleryFigures, type GallerySizeFigure } from './gallery-size.js';
import { operatingPoint, rank1, thresholdForFar, type OperatingPoint, type ProbeResult } from './metrics.js';
import { scaleFigures, scaleIdentities, strangerHalves, type ScaleRow } from './scale.js';
import { fitPolicy, type PolicyFit } from './policy-fit.js';
import { DEFAULT_LEARNING, type LearningRule } from '../learning-policy.js';

export interface FaceEvalOptions {
  dir: string;
  pipeline: FacePipeline;
  /** Photos per identity averaged into its template (default 1: a registration photo). */
  enrolPhotos?: number;
  /** Stranger false-accept rate the fitted threshold must meet. */
  targetFar?: number;
  /** The configured threshold policy: the known-face threshold for a gallery of n residents. */
  thresholdFor: (gallerySize: number) => number;
  /** Gallery sizes for the large-gallery figures (empty: none). */
  gallerySizes?: readonly number[];
  /** Resident counts for the `scale` rows (empty: none), and the learning rule of the daemon. */
  scaleSizes?: readonly number[];
  learning?: LearningRule;
  /** Looks per passage the gate's threshold holds FAR for (settings.ts looksOf; default 1). */
  looks?: number;
  /** The configured policy's reference size (the policy fit reports its threshold there). */
  referenceSize?: number;
  progress?: (done: number, total: number) => void;
}

export interface AtConfig extends OperatingPoint {
  gallery: number;
  rank1: number;
}

export interface FaceEvalReport {
  /** The headline: the configured policy at this gallery's size. */
  at_config: AtConfig;
  /** Fitted to these strangers (optimistic; for comparison only). */
  fitted: (OperatingPoint & { target_far: number }) | null;
  gallery_sizes: GallerySizeFigure[];
  /** One row per (residents, enrolment photos, learned) the folder allows: see scale.ts. */
  scale: ScaleRow[];
  scale_skipped: Array<{ residents: number; reason: string }>;
  /** The threshold policy fitted on the fitting half of the strangers (policy-fit.ts); the scale rows report on the other half. */
  policy_fit: PolicyFit | null;
  /** Looks per passage the gate's thresholds are set for (threshold-policy.ts passageLooks). */
  passage_looks: number;
  identities: number;
  enrolled: number;
  probes: number;
  strangers: number;
  split_groups_from: string | null;
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

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export async function evaluateFaces(opts: FaceEvalOptions): Promise<FaceEvalReport> {
  const t0 = performance.now();
  const ds = readFaceDataset(opts.dir);
  const sizes = opts.gallerySizes ?? [];
  const scaleSizes = opts.scaleSizes ?? [];
  const c = await collectFaces(ds, opts.pipeline, {
    enrolPhotos: Math.max(1, opts.enrolPhotos ?? 1),
    extraTemplates: scaleSizes.length ? 3 : 0,
    strangerTemplates: sizes.length > 0 || scaleSizes.length > 0,
    ...(opts.progress ? { progress: opts.progress } : {}),
  });
  const gallery = c.identities.filter((i) => i.template !== null).map((i) => ({ name: i.name, template: i.template! }));
  const search = (e: Float32Array | null): { best: string | null; similarity: number } => {
    let bestName: string | null = null;
    let bs = 0;
    if (!e) return { best: null, similarity: 0 };
    for (const g of gallery) {
      const s = dot(e, g.template);
      if (bestName === null || s > bs) {
        bestName = g.name;
        bs = s;
      }
    }
    return { best: bestName, similarity: bs };
  };

  const enrolled = new Set(gallery.map((g) => g.name));
  const genuine: Array<ProbeResult & { photo: string }> = [];
  let probeNoFace = 0;
  let flagged = 0;
  for (const ident of c.identities) {
    if (!enrolled.has(ident.name)) continue; // nobody to find
    for (const p of ident.probes) {
      if (p.flagged) flagged++;
      if (!p.embedding) probeNoFace++;
      genuine.push({ truth: ident.name, ...search(p.embedding), photo: p.photo });
    }
  }
  const strangers: ProbeResult[] = c.strangers.map((s) => ({
    truth: null,
    ...(s.embedding ? search(s.embedding) : { best: null, similarity: 0 }),
  }));
  const strangerNoFace = c.strangers.filter((s) => !s.embedding).length;

  const threshold = opts.thresholdFor(gallery.length);
  const atConfig: AtConfig = { ...operatingPoint(genuine, strangers, threshold), gallery: gallery.length, rank1: rank1(genuine) };
  const strangerScores = strangers.filter((s) => s.best !== null).map((s) => s.similarity);
  const targetFar = opts.targetFar ?? 0.001;
  const fitted = strangerScores.length
    ? { ...operatingPoint(genuine, strangers, thresholdForFar(strangerScores, targetFar)), target_far: targetFar }
    : null;
  const gallerySizes = sizes.length
    ? galleryFigures(
        {
          identities: gallery,
          genuine: c.identities
            .filter((i) => enrolled.has(i.name))
            .flatMap((i) => i.probes.map((p) => ({ truth: i.name, embedding: p.embedding }))),
          strangers: c.strangers,
          thresholdFor: opts.thresholdFor,
        },
        sizes,
      )
    : [];
  const scale = scaleSizes.length
    ? scaleFigures(
        {
          identities: scaleIdentities(c.identities),
          strangers: c.strangers,
          thresholdFor: opts.thresholdFor,
          learning: opts.learning ?? DEFAULT_LEARNING,
          looks: opts.looks ?? 1,
        },
        scaleSizes,
      )
    : { rows: [], skipped: [] };
  const { fitting } = strangerHalves(c.strangers.length);
  const policyFit = scaleSizes.length
    ? fitPolicy(
        fitting.flatMap((i) => c.strangers[i]!.embedding ?? []),
        [
          ...fitting.flatMap((i, k) => (c.strangers[i]!.template ? [{ owner: k, template: c.strangers[i]!.template! }] : [])),
          ...c.identities.flatMap((i) => i.templates.map((t) => ({ owner: -1, template: t.template }))),
        ],
        {
          targetFar,
          referenceSize: opts.referenceSize ?? 50,
          sizes: scaleSizes,
          set: 'even half of _unknown (scale.ts strangerHalves), against each other and the residents',
        },
      )
    : null;
  const failures = genuine
    .filter((g) => g.best !== g.truth || g.similarity < threshold)
    .map((g) => ({ photo: g.photo, truth: g.truth as string, best: g.best, similarity: Math.round(g.similarity * 1000) / 1000 }));
  return {
    at_config: atConfig,
    fitted,
    gallery_sizes: gallerySizes,
    scale: scale.rows,
    scale_skipped: scale.skipped,
    policy_fit: policyFit,
    passage_looks: Math.round((opts.looks ?? 1) * 100) / 100,
    identities: ds.identities.length,
    enrolled: gallery.length,
    probes: genuine.length,
    strangers: strangers.length,
    split_groups_from: ds.manifest,
    noface_photos: c.nofacePhotos,
    noface_false_positives: c.nofaceDetections,
    probe_no_face: probeNoFace,
    stranger_no_face: strangerNoFace,
    enrol_refused: c.refusals.length,
    unreadable: c.unreadable,
    probe_quality_flagged: flagged,
    failures,
    refusals: c.refusals,
    ms_per_photo: Math.round(((performance.now() - t0) / Math.max(1, c.photos)) * 10) / 10,
  };
}
