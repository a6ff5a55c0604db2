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
 * When no more evidence will come (the track ended, or `maxFrames` faces were seen) and the
 * track has fewer than `minFrames` usable frames, it is decided on the best evidence it has, by
 * the same rules and the same known threshold: its usable frames however few, else its weak
 * frames (faces refused only by the pose or blur gates: still described, less reliably). A
 * person who never faced the camera squarely is then decided once, instead of never.
 * A frame is usable when the face passed the quality gates (and liveness, when enabled).
 *
 * Looks: a stranger gets in when any look at their passage clears a threshold, so the passage's
 * false-accept rate is at most the sum over its looks (threshold-policy.ts `passageLooks`). The
 * multi-frame rules therefore look twice at most — when the track reaches `minFrames` usable
 * frames, and once more when no more evidence will come (`ended`, or `maxFrames`) — not at every
 * frame; in between a track can only be found a stranger (below `unknownThreshold`, which admits
 * nobody). One-frame decisions look at every usable frame, far above the threshold.
 */

export interface FrameVote {
  residentId: string | null;
  name: string | null;
  similarity: number;
  usable: boolean;
  /** Not usable, but refused only by the pose or blur gates (evidence when nothing better came). */
  weak?: boolean;
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
  | { kind: 'unknown'; reason: 'below_unknown_threshold' | 'undecided'; bestResidentId: string | null; similarity: number; frames: number };

export function decideTrack(
  votes: readonly FrameVote[],
  policy: VotePolicy,
  ended: boolean,
  fused?: FusedMatch | null,
  weakFused?: FusedMatch | null,
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
        // Decided on that one frame, whatever came before it.
        frames: 1,
        threshold: t,
      };
  }
  const exhausted = votes.filter((v) => v.usable).length >= policy.maxFrames;
  if (n >= policy.minFrames) {
    const final = ended || exhausted;
    // The first multi-frame look, or the last one; in between only a stranger can be declared.
    const look = final || n === policy.minFrames;
    return judge(usable, policy.minFrames, look ? t : Infinity, policy.unknownThreshold, final, fused);
  }
  // Fewer usable frames than minFrames: wait, unless no more evidence will come.
  if (!ended && votes.length < policy.maxFrames) return null;
  if (n > 0) return judge(usable, 1, t, policy.unknownThreshold, true, fused);
  const weak = votes.filter((v) => v.weak).slice(-policy.maxFrames);
  return weak.length > 0 ? judge(weak, 1, t, policy.unknownThreshold, true, weakFused) : null;
}

/** The decision on `frames` (one kind of evidence) needing `minFrames` for the leader; `final`: no waiting. */
function judge(
  frames: readonly FrameVote[],
  minFrames: number,
  t: number,
  unknownThreshold: number,
  final: boolean,
  fused: FusedMatch | null | undefined,
): TrackDecision | null {
  const n = frames.length;
  const byId = new Map<string, { name: string; sum: number; count: number }>();
  let best = 0;
  for (const v of frames) {
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
    if (e && e.count >= minFrames && e.count * 3 >= n * 2 && fused.similarity >= t)
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
    if (e.count >= minFrames && e.count * 3 >= n * 2 && mean >= t) {
      return { kind: 'recognized', residentId: id, name: e.name, similarity: round3(mean), frames: n, threshold: t };
    }
  }
  const leaderId = leader ? leader[0] : null;
  if (best < unknownThreshold)
    return { kind: 'unknown', reason: 'below_unknown_threshold', bestResidentId: leaderId, similarity: round3(best), frames: n };
  if (final) return { kind: 'unknown', reason: 'undecided', bestResidentId: leaderId, similarity: round3(best), frames: n };
  return null;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
