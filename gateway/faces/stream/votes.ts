/**
 * Deciding who a tracked face is. Pure.
 *  - recognized at once: one usable frame of a face big enough for the embedding
 *    (`singleFrameMinFacePx`) whose similarity clears the known threshold by `singleFrameMargin`
 *    (the gate opens on the first good look, no second frame needed), unless an earlier frame
 *    of the track named somebody else above the known threshold;
 *  - recognized: at least `minFrames` usable frames, the resident of the track's fused face
 *    (quality-weighted mean of its usable embeddings, matched by the caller) leads at least two
 *    thirds of them, and the fused similarity reaches `knownThreshold` (without a fused match:
 *    the mean similarity of that resident's frames);
 *  - unknown: at least `minFrames` usable frames and none reaches `unknownThreshold`;
 *  - in between, wait; when the track ends (or reaches `maxFrames`) undecided, it is reported
 *    unknown with reason "undecided".
 * A frame is usable when the face passed the quality gates (and liveness, when enabled).
 */

export interface FrameVote {
  residentId: string | null;
  name: string | null;
  similarity: number;
  usable: boolean;
  /** Face height in pixels (for one-frame decisions); absent = too small for one. */
  facePx?: number;
}

export interface VotePolicy {
  knownThreshold: number;
  unknownThreshold: number;
  minFrames: number;
  maxFrames: number;
  /** One frame decides when its similarity >= knownThreshold + this (1 = never). */
  singleFrameMargin?: number;
  singleFrameMinFacePx?: number;
}

/** The best resident for a track's fused face. */
export interface FusedMatch {
  residentId: string;
  name: string;
  similarity: number;
}

export type TrackDecision =
  | { kind: 'recognized'; residentId: string; name: string; similarity: number; frames: number; threshold: number }
  | { kind: 'unknown'; reason: 'below-unknown-threshold' | 'undecided'; bestResidentId: string | null; similarity: number; frames: number };

export function decideTrack(
  votes: readonly FrameVote[],
  policy: VotePolicy,
  ended: boolean,
  fused?: FusedMatch | null,
): TrackDecision | null {
  const usable = votes.filter((v) => v.usable).slice(-policy.maxFrames);
  const n = usable.length;
  const t = policy.knownThreshold;
  const last = usable[n - 1];
  if (last?.residentId && policy.singleFrameMargin !== undefined && last.similarity >= t + policy.singleFrameMargin) {
    const bigEnough = (last.facePx ?? 0) >= (policy.singleFrameMinFacePx ?? Infinity);
    const contradicted = usable.some((v) => v.residentId !== last.residentId && v.similarity >= t);
    if (bigEnough && !contradicted)
      return {
        kind: 'recognized',
        residentId: last.residentId,
        name: last.name ?? last.residentId,
        similarity: round3(last.similarity),
        frames: n,
        threshold: t,
      };
  }
  if (n < policy.minFrames) return null;
  const byId = new Map<string, { name: string; sum: number; count: number }>();
  let best = 0;
  for (const v of usable) {
    best = Math.max(best, v.similarity);
    if (!v.residentId) continue;
    const e = byId.get(v.residentId) ?? { name: v.name ?? v.residentId, sum: 0, count: 0 };
    e.sum += v.similarity;
    e.count++;
    byId.set(v.residentId, e);
  }
  let leader: [string, { name: string; sum: number; count: number }] | undefined;
  for (const e of byId) if (!leader || e[1].sum > leader[1].sum) leader = e;
  if (fused) {
    const e = byId.get(fused.residentId);
    if (e && e.count >= policy.minFrames && e.count * 3 >= n * 2 && fused.similarity >= t)
      return {
        kind: 'recognized',
        residentId: fused.residentId,
        name: fused.name,
        similarity: round3(fused.similarity),
        frames: n,
        threshold: t,
      };
  } else if (leader) {
    const [id, e] = leader;
    const mean = e.sum / e.count;
    if (e.count >= policy.minFrames && e.count * 3 >= n * 2 && mean >= t) {
      return { kind: 'recognized', residentId: id, name: e.name, similarity: round3(mean), frames: n, threshold: t };
    }
  }
  const leaderId = leader ? leader[0] : null;
  if (best < policy.unknownThreshold)
    return { kind: 'unknown', reason: 'below-unknown-threshold', bestResidentId: leaderId, similarity: round3(best), frames: n };
  if (ended || votes.filter((v) => v.usable).length >= policy.maxFrames) {
    return { kind: 'unknown', reason: 'undecided', bestResidentId: leaderId, similarity: round3(best), frames: n };
  }
  return null;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
