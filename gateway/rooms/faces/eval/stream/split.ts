/**
 * How far apart the same person's faces and two people's faces are, as the stream's queue split
 * sees them (face-stream.ts): each described face (usable, or refused only by pose or blur)
 * against the track's face so far (the mean of its usable faces, or of its weak ones while it has
 * none; faces below the threshold are held out of it); a split needs `inARow` faces in a row
 * below the threshold. Pure.
 */
import { percentile } from '../../../../core/percentile.js';
import { meanTemplate } from '../../enrol.js';

/** A described face of a passage, in order. */
export interface SplitFace {
  embedding: Float32Array;
  usable: boolean;
}

export interface SplitFigures {
  threshold: number;
  in_a_row: number;
  /** Similarity of a face to the passage's own face so far (what must stay above the threshold). */
  same_person_min: number | null;
  same_person_p01: number | null;
  /** The highest of `in_a_row` faces in a row of one passage, at its lowest: a wrong split needs it below the threshold. */
  same_person_in_a_row_min: number | null;
  /** Similarity of the second person's first face to the first person's face. */
  other_person_max: number | null;
  other_person_p99: number | null;
  /** The highest of the second person's first `in_a_row` faces: the split needs it below the threshold. */
  other_person_in_a_row_max: number | null;
  pairs: number;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The track's face as the stream holds it: usable faces, else weak ones. */
function reference(faces: readonly SplitFace[]): Float32Array | null {
  const usable = faces.filter((f) => f.usable);
  const use = usable.length > 0 ? usable : faces;
  return use.length ? meanTemplate(use.map((f) => f.embedding)) : null;
}

export function splitFigures(
  passages: ReadonlyArray<{ faces: readonly SplitFace[]; after?: readonly SplitFace[] }>,
  threshold: number,
  inARow: number,
): SplitFigures {
  const same: number[] = [];
  const sameRow: number[] = [];
  const other: number[] = [];
  const otherRow: number[] = [];
  for (const p of passages) {
    // As the stream does, a face below the threshold is held out of the track's face.
    const sims: number[] = [];
    const kept: SplitFace[] = p.faces.slice(0, 1);
    for (const f of p.faces.slice(1)) {
      const sim = dot(f.embedding, reference(kept)!);
      sims.push(sim);
      if (sim >= threshold) kept.push(f);
    }
    same.push(...sims);
    for (let k = 0; k + inARow <= sims.length; k++) sameRow.push(Math.max(...sims.slice(k, k + inARow)));
    // `after`: the first person of a queue, whose track the second person's faces land on.
    const ref = p.after ? reference(p.after) : null;
    if (ref && p.faces.length > 0) {
      const s = p.faces.slice(0, inARow).map((f) => dot(f.embedding, ref));
      other.push(s[0]!);
      otherRow.push(Math.max(...s));
    }
  }
  const q = (xs: number[], pc: number) => (xs.length ? r3(percentile(xs, pc)) : null);
  const min = (xs: number[]) => (xs.length ? r3(Math.min(...xs)) : null);
  const max = (xs: number[]) => (xs.length ? r3(Math.max(...xs)) : null);
  return {
    threshold,
    in_a_row: inARow,
    same_person_min: min(same),
    same_person_p01: q(same, 1),
    same_person_in_a_row_min: min(sameRow),
    other_person_max: max(other),
    other_person_p99: q(other, 99),
    other_person_in_a_row_max: max(otherRow),
    pairs: other.length,
  };
}
