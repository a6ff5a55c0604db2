/**
 * Templates learned at the gate: whether a recognised capture may be added to the resident's
 * templates, and which learned templates a resident keeps. Pure. The daemon (learner.ts, with
 * store/learned-store.ts) and `eval faces` (its `learned` scale rows) both decide with these
 * functions.
 *
 * A capture is learned only when it is very sure: its similarity clears the gate's threshold by
 * `aboveThreshold` and is at least `minSimilarity`, it is `margin` ahead of the second-best
 * resident, its face passed every quality gate, and nobody overrode the decision. A resident
 * keeps at most `maxLearned` learned templates (the oldest is replaced); enrolment templates are
 * never replaced. A look-alike stranger recognised as a resident scores near the threshold, not
 * far above it, so the rule leaves them out; their score cannot climb by passing repeatedly
 * because what they look like never enters the resident's templates.
 */

export interface LearningRule {
  /** Off switch. */
  enabled: boolean;
  /** Similarity at least the gate's threshold plus this. */
  aboveThreshold: number;
  /** And at least this, whatever the threshold. */
  minSimilarity: number;
  /** Ahead of the second-best resident by at least this. */
  margin: number;
  /** Learned templates kept per resident (oldest replaced). */
  maxLearned: number;
}

export const DEFAULT_LEARNING: LearningRule = { enabled: false, aboveThreshold: 0.2, minSimilarity: 0.7, margin: 0.25, maxLearned: 3 };

export interface Capture {
  similarity: number;
  /** Similarity to the second-best resident (0 with one resident). */
  second: number;
  /** The gate's threshold at its gallery size. */
  threshold: number;
  /** Every quality gate passed (not a weak face). */
  usable: boolean;
  /** A person overrode the decision (opened for a refused face, or refused a recognised one). */
  overridden: boolean;
}

export type LearnVerdict = { learn: true } | { learn: false; why: 'off' | 'overridden' | 'quality' | 'score' | 'margin' };

export function shouldLearn(rule: LearningRule, c: Capture): LearnVerdict {
  if (!rule.enabled || rule.maxLearned <= 0) return { learn: false, why: 'off' };
  if (c.overridden) return { learn: false, why: 'overridden' };
  if (!c.usable) return { learn: false, why: 'quality' };
  if (c.similarity < Math.max(rule.minSimilarity, c.threshold + rule.aboveThreshold)) return { learn: false, why: 'score' };
  if (c.similarity - c.second < rule.margin) return { learn: false, why: 'margin' };
  return { learn: true };
}

/**
 * The learned templates a resident keeps after `added` joins `learned` (oldest first): at most
 * `maxLearned`, the oldest dropped. Enrolment templates are not in `learned`: never dropped.
 */
export function keepLearned<T>(learned: readonly T[], added: T, maxLearned: number): { kept: T[]; dropped: T[] } {
  const all = [...learned, added];
  const cut = Math.max(0, all.length - Math.max(0, maxLearned));
  return { kept: all.slice(cut), dropped: all.slice(0, cut) };
}
