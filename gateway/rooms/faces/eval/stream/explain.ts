/**
 * Why a passage was missed (a resident not let in, a queue's second person never decided, a
 * stranger let in), from what the pipeline saw in the passage's frames and what the stream
 * decided. The same questions an operator asks when tuning a site: was the face found at all,
 * did any frame pass the quality gates (which gate refused the others), how close did the
 * face come to the resident, and did the next person of a queue land on the first one's track.
 * Pure.
 */
import type { TrackDecision } from '../../stream/votes.js';

/** One face the pipeline found in an analysed frame. */
export interface SeenFace {
  embedding: Float32Array;
  usable: boolean;
  /** Refused only by the pose or blur gates (the stream keeps it as weak evidence). */
  weak: boolean;
  /** The quality gates the face failed (empty when usable). */
  problems: readonly string[];
  /** Its best resident and similarity, or null (empty gallery). */
  best: { residentId: string; similarity: number } | null;
}

export interface PassageEvidence {
  /** The passage's true identity, null for a stranger. */
  truth: string | null;
  kind: 'resident' | 'stranger' | 'queue-first' | 'queue-second';
  /** The faces found in each analysed frame of the passage (frames without a face included). */
  frames: ReadonlyArray<readonly SeenFace[]>;
  /** Decisions whose track started in this passage. */
  decisions: readonly TrackDecision[];
  /**
   * For a queue's second person: their faces stayed on the first person's track (a decision of
   * that track fell in this passage, or their first usable face was not told apart from the first
   * person's at the split threshold).
   */
  absorbed?: boolean;
}

export type MissReason =
  | 'never-detected'
  | 'quality-refused-every-frame'
  | 'absorbed-into-previous-track'
  | 'too-few-usable-frames'
  | 'below-threshold'
  | 'other-resident-led'
  | 'recognized-as-other'
  | 'stranger-accepted';

export interface Explanation {
  reason: MissReason;
  /** Analysed frames of the passage; with a face; with a usable face. */
  frames: number;
  with_face: number;
  usable: number;
  /** Faces refused, by gate (the text before the figures: "face blurred", "head turned sideways", ...). */
  refused: Record<string, number>;
  /** Best single-frame similarity to the true resident among usable faces, else weak ones (null: none, or a stranger). */
  best_self: number | null;
  /** Best single-frame similarity to anybody else, among the same faces. */
  best_other: number | null;
  /** Which faces the similarities come from: the usable ones, else the weak ones (refused only by pose or blur). */
  evidence: 'usable' | 'weak' | null;
}

/** The gate's name: a problem text up to its figures ("face blurred (sharpness 31 < 40)" -> "face blurred"). */
export function gateOf(problem: string): string {
  const k = problem.indexOf(' (');
  return (k < 0 ? problem : problem.slice(0, k)).trim();
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export function explainMiss(e: PassageEvidence): Explanation {
  const faces = e.frames.flat();
  const usable = faces.filter((f) => f.usable);
  const refused: Record<string, number> = {};
  for (const f of faces) for (const p of f.problems) refused[gateOf(p)] = (refused[gateOf(p)] ?? 0) + 1;
  let bestSelf: number | null = null;
  let bestOther: number | null = null;
  const weak = faces.filter((f) => f.weak);
  const evidence = usable.length > 0 ? 'usable' : weak.length > 0 ? 'weak' : null;
  for (const f of usable.length > 0 ? usable : weak) {
    if (!f.best) continue;
    if (e.truth !== null && f.best.residentId === e.truth) bestSelf = Math.max(bestSelf ?? -1, f.best.similarity);
    else bestOther = Math.max(bestOther ?? -1, f.best.similarity);
  }
  const recognised = e.decisions.filter((d) => d.kind === 'recognized');
  let reason: MissReason;
  if (e.truth === null && recognised.length > 0) reason = 'stranger-accepted';
  else if (recognised.some((d) => d.kind === 'recognized' && d.residentId !== e.truth)) reason = 'recognized-as-other';
  else if (faces.length === 0) reason = 'never-detected';
  else if (e.kind === 'queue-second' && e.decisions.length === 0 && e.absorbed && faces.some((f) => f.usable || f.weak))
    reason = 'absorbed-into-previous-track';
  else if (usable.length === 0) reason = 'quality-refused-every-frame';
  else if (e.decisions.length === 0) reason = 'too-few-usable-frames';
  else if (bestSelf === null || (bestOther !== null && bestOther > bestSelf)) reason = 'other-resident-led';
  else reason = 'below-threshold';
  return {
    reason,
    frames: e.frames.length,
    with_face: e.frames.filter((f) => f.length > 0).length,
    usable: usable.length,
    refused,
    best_self: bestSelf === null ? null : r3(bestSelf),
    best_other: bestOther === null ? null : r3(bestOther),
    evidence,
  };
}
