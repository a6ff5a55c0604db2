import { describe, expect, it } from 'vitest';
import { decideTrack, type FrameVote } from './votes.js';

const policy = { knownThreshold: 0.43, unknownThreshold: 0.3, minFrames: 2, maxFrames: 6 };
const v = (residentId: string | null, similarity: number, usable = true): FrameVote => ({
  residentId,
  name: residentId ? residentId.toUpperCase() : null,
  similarity,
  usable,
});

describe('decideTrack', () => {
  it('waits for minFrames usable frames', () => {
    expect(decideTrack([v('a', 0.9)], policy, false)).toBeNull();
    expect(decideTrack([v('a', 0.9), v('a', 0.9, false)], policy, false)).toBeNull();
  });

  it('recognises when the same resident leads with a mean above the known threshold', () => {
    expect(decideTrack([v('a', 0.5), v('a', 0.6)], policy, false)).toEqual({
      kind: 'recognized',
      residentId: 'a',
      name: 'A',
      similarity: 0.55,
      frames: 2,
    });
  });

  it('one high frame among low ones is not enough (mean below threshold)', () => {
    expect(decideTrack([v('a', 0.6), v('a', 0.2)], policy, false)).toBeNull(); // mean 0.4
  });

  it('a split vote is not a recognition', () => {
    expect(decideTrack([v('a', 0.6), v('b', 0.6), v('a', 0.6), v('b', 0.6)], policy, false)).toBeNull(); // a leads only half
    expect(decideTrack([v('a', 0.6), v('b', 0.6), v('a', 0.6), v('a', 0.6), v('a', 0.6)], policy, false)).toMatchObject({
      kind: 'recognized',
      residentId: 'a',
      frames: 5,
    });
  });

  it('declares a stranger early when every frame is below the unknown threshold', () => {
    expect(decideTrack([v('a', 0.1), v('b', 0.25)], policy, false)).toEqual({
      kind: 'unknown',
      reason: 'below-unknown-threshold',
      bestResidentId: 'b',
      similarity: 0.25,
      frames: 2,
    });
  });

  it('between the thresholds it waits, and reports "undecided" at the end or after maxFrames', () => {
    const grey = [v('a', 0.35), v('a', 0.38)];
    expect(decideTrack(grey, policy, false)).toBeNull();
    expect(decideTrack(grey, policy, true)).toMatchObject({ kind: 'unknown', reason: 'undecided', bestResidentId: 'a', similarity: 0.38 });
    expect(
      decideTrack(
        Array.from({ length: 6 }, () => v('a', 0.36)),
        policy,
        false,
      ),
    ).toMatchObject({ kind: 'unknown', reason: 'undecided' });
  });
});
