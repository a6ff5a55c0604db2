/**
 * The reporting rows of faces-levers.ts: the galleries, folds and probes of eval/scale.ts (learned
 * templates off), with the decision on cohort-normalised scores (cohort-norm.ts). Pure.
 */
import { meanTemplate } from '../../../gateway/rooms/faces/enrol.js';
import { shuffled } from '../../../gateway/rooms/faces/eval/gallery-size.js';
import { strangerHalves } from '../../../gateway/rooms/faces/eval/scale.js';
import { dot, normalisedBest, templateCohorts, type CohortNorm } from './cohort-norm.js';

export interface LeverInput {
  /** Identities with at least 3 enrolment templates and probes outside their groups (scale.ts). */
  people: Array<{ templates: Float32Array[]; probes: Array<Float32Array | null> }>;
  strangers: Array<{ embedding: Float32Array | null; template: Float32Array | null; photo: string }>;
}

export interface LeverRow {
  residents: number;
  built: number;
  photos: number;
  threshold: number;
  falseAccepts: number;
  strangerProbes: number;
  rejected: number;
  decisions: number;
  /** The strangers let in, with whom they were taken for. */
  acceptedStrangers: string[];
}

const MAX_FOLDS = 80;
const GENUINE_FOLDS = 4;

/** One row per (size, photos) as scale.ts builds them; `threshold(n)` is the policy for a gallery of n. */
export function leverRows(
  input: LeverInput,
  norm: CohortNorm,
  threshold: (n: number) => number,
  sizes: readonly number[],
  photos: readonly number[] = [1, 3],
): LeverRow[] {
  const { reporting } = strangerHalves(input.strangers.length);
  const probeSet = reporting.filter((s) => input.strangers[s]!.embedding !== null);
  const enrollable = shuffled(input.strangers.length).filter((s) => input.strangers[s]!.template !== null);
  const nId = input.people.length;
  const rows: LeverRow[] = [];
  for (const size of sizes) {
    const need = Math.max(0, size - nId);
    const probeEnrollable = probeSet.filter((s) => input.strangers[s]!.template !== null).length;
    const folds = need === 0 ? 1 : Math.min(MAX_FOLDS, Math.max(2, Math.ceil(probeEnrollable / Math.max(1, enrollable.length - need))));
    const foldOf = new Map<number, number>();
    probeSet.forEach((s, k) => foldOf.set(s, k % folds));
    for (const p of photos) {
      const row: LeverRow = {
        residents: size,
        built: 0,
        photos: p,
        threshold: 0,
        falseAccepts: 0,
        strangerProbes: 0,
        rejected: 0,
        decisions: 0,
        acceptedStrangers: [],
      };
      let builtSum = 0;
      let tSum = 0;
      for (let f = 0; f < folds; f++) {
        const ids: string[] = input.people.map((_, i) => `resident ${i}`);
        const gallery = input.people.map((x) => meanTemplate(x.templates.slice(0, p)));
        for (const s of enrollable) {
          if (gallery.length - nId >= need) break;
          if (foldOf.get(s) === f) continue;
          gallery.push(input.strangers[s]!.template!);
          ids.push(input.strangers[s]!.photo);
        }
        builtSum += gallery.length;
        const t = threshold(gallery.length);
        tSum += t;
        const cohorts = norm.templateWeight ? templateCohorts(gallery, norm.k) : null;
        const decide = (e: Float32Array) =>
          normalisedBest(
            Float32Array.from(gallery, (g) => dot(e, g)),
            cohorts,
            norm,
          );
        if (f < GENUINE_FOLDS)
          input.people.forEach((person, pi) => {
            for (const e of person.probes) {
              row.decisions++;
              const hit = e ? decide(e) : null;
              if (!hit || hit.s < t || hit.i !== pi) row.rejected++;
            }
          });
        for (const s of probeSet) {
          if (foldOf.get(s) !== f) continue;
          row.strangerProbes++;
          const hit = decide(input.strangers[s]!.embedding!);
          if (hit.s >= t) {
            row.falseAccepts++;
            row.acceptedStrangers.push(`${input.strangers[s]!.photo} as ${ids[hit.i]} (${hit.s.toFixed(3)})`);
          }
        }
      }
      row.built = Math.round(builtSum / folds);
      row.threshold = Math.round((tSum / folds) * 1000) / 1000;
      rows.push(row);
    }
  }
  return rows;
}
