/**
 * Deciding who a tracked face is from several frames, not one. Pure.
 *  - recognized: at least `minFrames` usable frames name the same resident, that resident
 *    leads at least two thirds of the usable frames, and the mean similarity of those frames
 *    reaches `knownThreshold`;
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
}

export interface VotePolicy {
  knownThreshold: number;
  unknownThreshold: number;
  minFrames: number;
  maxFrames: number;
}

export type TrackDecision =
  | { kind: 'recognized'; residentId: string; name: string; similarity: number; frames: number }
  | { kind: 'unknown'; reason: 'below-unknown-threshold' | 'undecided'; bestResidentId: string | null; similarity: number; frames: number };

export function decideTrack(votes: readonly FrameVote[], policy: VotePolicy, ended: boolean): TrackDecision | null {
  const usable = votes.filter((v) => v.usable).slice(-policy.maxFrames);
  const n = usable.length;
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
  if (leader) {
    const [id, e] = leader;
    const mean = e.sum / e.count;
    if (e.count >= policy.minFrames && e.count * 3 >= n * 2 && mean >= policy.knownThreshold) {
      return { kind: 'recognized', residentId: id, name: e.name, similarity: round3(mean), frames: n };
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
