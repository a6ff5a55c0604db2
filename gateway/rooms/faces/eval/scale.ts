/**
 * The evaluation at a real community's scale (`eval faces --json`, `scale`): one row per
 * (residents, enrolment photos, learned templates) that the folder allows. Pure.
 *
 * - Residents: the identities with at least 3 enrollable photos (distinct split groups) and a
 *   probe photo outside those groups (the same people in every row), plus distractor residents
 *   enrolled from `_unknown` photos (real faces only, one photo each) up to the size.
 * - Strangers: the reporting half of `_unknown` (odd positions in a fixed shuffled order; the even
 *   half is the fitting set of policy-fit.ts). Each is probed once, in a fold whose gallery does
 *   not hold them: a stranger is never among the distractors.
 * - The threshold is the daemon's policy for the size actually built (`thresholdFor`: per passage,
 *   settings.ts); a resident is scored by the mean of their templates, as the daemon's index does.
 *   Each photo is one look: `far` is per look at the gate's threshold, `far_passage_bound` the
 *   per-passage rate it bounds (`passage_looks` x far).
 * - Learned on: in each fold the residents' probe photos come in file order; each is decided
 *   first (that decision counts), then learned when the daemon's rule and bound
 *   (learning-policy.ts `shouldLearn`, `keepLearned`, as learner.ts and store/learned-store.ts
 *   use them; switched on for these rows whatever faces.learning.enabled says) allow it, into
 *   whoever it was recognised as (a resident, never a distractor). Strangers are probed after
 *   the learning.
 */
import { meanTemplate } from '../enrol.js';
import { keepLearned, shouldLearn, type LearningRule } from '../learning-policy.js';
import { shuffled } from './gallery-size.js';
import type { CollectedIdentity } from './collect.js';

export interface ScaleInput {
  identities: Array<{
    name: string;
    templates: Float32Array[];
    /** `group`: the photo's split group (a learned capture never helps decide a photo of its own group). */
    probes: Array<{ embedding: Float32Array | null; usable: boolean; group?: string }>;
  }>;
  strangers: Array<{ embedding: Float32Array | null; template: Float32Array | null }>;
  thresholdFor(size: number): number;
  learning: LearningRule;
  /** Looks per passage at the gate (threshold-policy.ts passageLooks; default 1). */
  looks?: number;
}

export interface ScaleRow {
  residents: number;
  built: number;
  photos: number;
  learned: boolean;
  threshold: number;
  far: number;
  frr: number;
  stranger_probes: number;
  probes: number;
  identities: number;
  /** Of the genuine decisions (each probe in up to 4 galleries), those refused or given to somebody else. */
  false_accepts: number;
  rejected: number;
  misidentified: number;
  learned_templates: number;
  /**
   * Learned on: reporting strangers let in whose capture the daemon's rule would have learned into
   * the resident they were taken for (as a usable face: the worst case). Must be 0.
   */
  learned_impostors: number;
  /** Looks per passage the threshold was set for, and the per-passage FAR they bound: looks x far (union bound). */
  passage_looks: number;
  far_passage_bound: number;
}

/**
 * The rows' identities from what the eval collected: the enrolment templates (one per split
 * group) and, as probes, every face of another split group; `probe` may transform a probe's
 * embedding (a lever measured by scripts/dev/faces-levers).
 */
export function scaleIdentities(
  identities: readonly CollectedIdentity[],
  probe: (e: Float32Array | null) => Float32Array | null = (e) => e,
): ScaleInput['identities'] {
  return identities.map((i) => {
    const groups = new Set(i.templates.map((t) => t.group));
    return {
      name: i.name,
      templates: i.templates.map((t) => t.template),
      probes: i.faces
        .filter((f) => !groups.has(f.group))
        .map((f) => ({ embedding: probe(f.embedding), usable: !f.flagged, group: f.group })),
    };
  });
}

const MAX_FOLDS = 80;
const GENUINE_FOLDS = 4;
/** The fixed split of `_unknown`: odd positions report, even positions fit (policy-fit.ts). */
export function strangerHalves(n: number): { fitting: number[]; reporting: number[] } {
  const order = shuffled(n, 20261207);
  return { fitting: order.filter((_, k) => k % 2 === 0), reporting: order.filter((_, k) => k % 2 === 1) };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Best and second-best entry. */
function top2(q: Float32Array, gallery: readonly Float32Array[]): { i: number; s: number; second: number } {
  let bi = -1;
  let bs = -2;
  let ss = -2;
  for (let i = 0; i < gallery.length; i++) {
    const s = dot(q, gallery[i]!);
    if (s > bs) {
      ss = bs;
      bs = s;
      bi = i;
    } else if (s > ss) ss = s;
  }
  return { i: bi, s: bs, second: Math.max(0, ss) };
}

export function scaleFigures(
  input: ScaleInput,
  sizes: readonly number[],
  photos: readonly number[] = [1, 3],
): { rows: ScaleRow[]; skipped: Array<{ residents: number; reason: string }> } {
  const people = input.identities.filter((i) => i.templates.length >= Math.max(...photos) && i.probes.length > 0);
  const nId = people.length;
  if (nId === 0)
    return {
      rows: [],
      skipped: sizes.map((residents) => ({
        residents,
        reason: `no identity has ${Math.max(...photos)} enrollable photos in distinct split groups and a probe photo besides`,
      })),
    };
  const { reporting } = strangerHalves(input.strangers.length);
  const probeSet = reporting.filter((s) => input.strangers[s]!.embedding !== null);
  const enrollable = shuffled(input.strangers.length).filter((s) => input.strangers[s]!.template !== null);
  const rows: ScaleRow[] = [];
  const skipped: Array<{ residents: number; reason: string }> = [];
  let lastBuilt = -1;
  for (const size of sizes) {
    const need = Math.max(0, size - nId);
    const foldsFor = (n: number) => (need === 0 ? 1 : Math.min(MAX_FOLDS, Math.max(2, n)));
    // Enough folds that the gallery of each leaves out only its own probes.
    const probeEnrollable = probeSet.filter((s) => input.strangers[s]!.template !== null).length;
    const folds = foldsFor(Math.ceil(probeEnrollable / Math.max(1, enrollable.length - need)));
    const foldOf = new Map<number, number>();
    probeSet.forEach((s, k) => foldOf.set(s, k % folds));
    const galleries: Array<{ ids: string[]; base: Float32Array[][] }> = [];
    let builtSum = 0;
    for (let f = 0; f < folds; f++) {
      const ids: string[] = [];
      const base: Float32Array[][] = [];
      for (const s of enrollable) {
        if (ids.length >= need) break;
        if (foldOf.get(s) === f) continue;
        ids.push(`stranger:${s}`);
        base.push([input.strangers[s]!.template!]);
      }
      builtSum += ids.length + nId;
      galleries.push({ ids, base });
    }
    const built = Math.round(builtSum / folds);
    if (built <= lastBuilt || built < size / 2) {
      skipped.push({
        residents: size,
        reason: `only ${enrollable.length} real faces can be distractors: ${built} residents at most, under half of ${size}`,
      });
      continue;
    }
    lastBuilt = built;
    for (const p of photos)
      for (const learned of [false, true]) rows.push(run(input, people, galleries, foldOf, probeSet, size, built, p, learned, folds));
  }
  return { rows, skipped };
}

function run(
  input: ScaleInput,
  people: ScaleInput['identities'],
  galleries: Array<{ ids: string[]; base: Float32Array[][] }>,
  foldOf: Map<number, number>,
  probeSet: number[],
  size: number,
  built: number,
  photos: number,
  learned: boolean,
  folds: number,
): ScaleRow {
  let fa = 0;
  let probed = 0;
  let decisions = 0;
  let rejected = 0;
  let mis = 0;
  let learnedN = 0;
  let impostorsLearned = 0;
  let thresholdSum = 0;
  for (let f = 0; f < folds; f++) {
    const g = galleries[f]!;
    const n = people.length + g.ids.length;
    const threshold = input.thresholdFor(n);
    thresholdSum += threshold;
    const enrol = people.map((p) => p.templates.slice(0, photos));
    const extra: Array<Array<{ e: Float32Array; group: string | undefined }>> = people.map(() => []);
    const vectors: Float32Array[] = [...enrol.map((t) => meanTemplate(t)), ...g.base.map((t) => t[0]!)];
    if (f < GENUINE_FOLDS || learned) {
      people.forEach((person, pi) => {
        for (const probe of person.probes) {
          // A capture learned from another crop of the same original photo would flatter the
          // decision: it is left out of the person's vector for this probe.
          const own = vectors[pi]!;
          const sameGroup = probe.group !== undefined && extra[pi]!.some((x) => x.group === probe.group);
          if (sameGroup) vectors[pi] = meanTemplate([...enrol[pi]!, ...extra[pi]!.filter((x) => x.group !== probe.group).map((x) => x.e)]);
          const hit = probe.embedding ? top2(probe.embedding, vectors) : null;
          vectors[pi] = own;
          const accepted = hit !== null && hit.s >= threshold;
          if (f < GENUINE_FOLDS) {
            decisions++;
            if (!accepted || hit.i !== pi) rejected++;
            if (accepted && hit.i !== pi) mis++;
          }
          if (!learned || !accepted || hit.i >= people.length) continue;
          // The daemon's rule and bound (learner.ts, store/learned-store.ts), switched on for this row.
          const verdict = shouldLearn(
            { ...input.learning, enabled: true },
            {
              similarity: hit.s,
              second: hit.second,
              threshold,
              usable: probe.usable,
              overridden: false,
            },
          );
          if (!verdict.learn) continue;
          const list = keepLearned(extra[hit.i]!, { e: probe.embedding!, group: probe.group }, input.learning.maxLearned).kept;
          extra[hit.i] = list;
          vectors[hit.i] = meanTemplate([...enrol[hit.i]!, ...list.map((x) => x.e)]);
          if (f < GENUINE_FOLDS) learnedN++;
        }
      });
    }
    for (const s of probeSet) {
      if (foldOf.get(s) !== f) continue;
      probed++;
      const hit = top2(input.strangers[s]!.embedding!, vectors);
      if (hit.s < threshold) continue;
      fa++;
      const capture = { similarity: hit.s, second: hit.second, threshold, usable: true, overridden: false };
      if (learned && shouldLearn({ ...input.learning, enabled: true }, capture).learn) impostorsLearned++;
    }
  }
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  return {
    residents: size,
    built,
    photos,
    learned,
    threshold: Math.round((thresholdSum / folds) * 1000) / 1000,
    far: probed ? r4(fa / probed) : 0,
    frr: decisions ? r4(rejected / decisions) : 0,
    stranger_probes: probed,
    probes: people.reduce((n, p) => n + p.probes.length, 0),
    identities: people.length,
    false_accepts: fa,
    rejected,
    misidentified: mis,
    learned_templates: learnedN,
    learned_impostors: impostorsLearned,
    passage_looks: Math.round((input.looks ?? 1) * 100) / 100,
    far_passage_bound: probed ? r4(Math.min(1, (fa / probed) * (input.looks ?? 1))) : 0,
  };
}
