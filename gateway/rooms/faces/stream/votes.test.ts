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
      threshold: 0.43,
    });
  });

  it('with a fused match, decides on the fused similarity (when that resident leads the frames)', () => {
    const frames = [v('a', 0.42), v('a', 0.41)]; // each frame below the threshold
    expect(decideTrack(frames, policy, false, { residentId: 'a', name: 'A', similarity: 0.47 })).toMatchObject({
      kind: 'recognized',
      residentId: 'a',
      similarity: 0.47,
    });
    expect(decideTrack(frames, policy, false, { residentId: 'a', name: 'A', similarity: 0.4 })).toBeNull();
    // The fused face names somebody no frame named: no decision on it.
    expect(decideTrack(frames, policy, false, { residentId: 'b', name: 'B', similarity: 0.6 })).toBeNull();
  });

  it('one frame decides when it clears the threshold by the margin and the face is big enough', () => {
    const fast = { ...policy, singleFrameMargin: 0.12, singleFrameMinFacePx: 112 };
    const big = (id: string, s: number, px = 150): FrameVote => ({ ...v(id, s), facePx: px });
    expect(decideTrack([big('a', 0.6)], fast, false)).toMatchObject({ kind: 'recognized', residentId: 'a', frames: 1 });
    expect(decideTrack([big('a', 0.54)], fast, false)).toBeNull(); // not clear enough: wait for a second frame
    expect(decideTrack([big('a', 0.6, 80)], fast, false)).toBeNull(); // too small to trust one frame
    expect(decideTrack([big('a', 0.6)], policy, false)).toBeNull(); // no margin configured
    // An earlier frame of the track named somebody else above the threshold: no shortcut.
    expect(decideTrack([big('b', 0.5, 90), big('a', 0.6)], fast, false)).toBeNull();
  });

  it('one high frame among low ones is not enough (mean below threshold)', () => {
    expect(decideTrack([v('a', 0.6), v('a', 0.2)], policy, false)).toBeNull(); // mean 0.4
  });

  it('a split vote is not a recognition', () => {
    expect(decideTrack([v('a', 0.6), v('b', 0.6), v('a', 0.6), v('b', 0.6)], policy, false)).toBeNull(); // a leads only half
    const five = [v('a', 0.6), v('b', 0.6), v('a', 0.6), v('a', 0.6), v('a', 0.6)];
    // Past the first look (at minFrames) the next one is at the end: a passage's looks are counted.
    expect(decideTrack(five, policy, false)).toBeNull();
    expect(decideTrack(five, policy, true)).toMatchObject({ kind: 'recognized', residentId: 'a', frames: 5 });
  });

  it('looks twice at most on several frames: at minFrames usable frames and when no more will come', () => {
    const rising = [v('a', 0.3), v('a', 0.4), v('a', 0.6), v('a', 0.6)]; // mean at 2: 0.35, at 4: 0.475
    expect(decideTrack(rising.slice(0, 2), policy, false)).toBeNull();
    expect(decideTrack(rising.slice(0, 3), policy, false)).toBeNull(); // mean 0.43 would pass: no look here
    expect(decideTrack(rising, policy, false)).toBeNull();
    expect(decideTrack(rising, policy, true)).toMatchObject({ kind: 'recognized', frames: 4 });
    // A stranger can still be declared between the looks (it admits nobody).
    expect(decideTrack([v('a', 0.35), v('a', 0.36), v('a', 0.1)], policy, false)).toBeNull();
    expect(decideTrack([v('a', 0.2), v('a', 0.25), v('a', 0.1)], policy, false)).toMatchObject({ kind: 'unknown' });
  });

  it('declares a stranger early when every frame is below the unknown threshold', () => {
    expect(decideTrack([v('a', 0.1), v('b', 0.25)], policy, false)).toEqual({
      kind: 'unknown',
      reason: 'below_unknown_threshold',
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

  it('a track that ends with fewer usable frames than minFrames is decided on them, at the same threshold', () => {
    const one = [v('a', 0.5), v('a', 0.7, false)];
    expect(decideTrack(one, policy, false)).toBeNull(); // still coming: wait for a second frame
    expect(decideTrack(one, policy, true)).toMatchObject({ kind: 'recognized', residentId: 'a', frames: 1, similarity: 0.5 });
    expect(decideTrack([v('a', 0.42)], policy, true)).toMatchObject({ kind: 'unknown', reason: 'undecided', similarity: 0.42 });
    // maxFrames faces seen (usable or not) is as final as the end of the track.
    const long = [v('a', 0.5), ...Array.from({ length: 5 }, () => v('a', 0.7, false))];
    expect(decideTrack(long, policy, false)).toMatchObject({ kind: 'recognized', residentId: 'a' });
  });

  it('with no usable frame at all, the weak frames (pose or blur refused) decide at the end, never earlier', () => {
    const weak = (id: string, s: number): FrameVote => ({ ...v(id, s, false), weak: true });
    const turned = [weak('a', 0.46), weak('a', 0.5)];
    expect(decideTrack(turned, policy, false, null, { residentId: 'a', name: 'A', similarity: 0.49 })).toBeNull();
    expect(decideTrack(turned, policy, true, null, { residentId: 'a', name: 'A', similarity: 0.49 })).toMatchObject({
      kind: 'recognized',
      residentId: 'a',
      similarity: 0.49,
      frames: 2,
    });
    // The fused weak face under the threshold: the same rule as for usable frames, a stranger.
    expect(decideTrack(turned, policy, true, null, { residentId: 'a', name: 'A', similarity: 0.4 })).toMatchObject({
      kind: 'unknown',
      reason: 'undecided',
    });
    // Frames too small to describe are no evidence, even at the end.
    expect(decideTrack([v('a', 0.9, false), v('a', 0.9, false)], policy, true)).toBeNull();
    // A usable frame outranks any number of weak ones.
    expect(decideTrack([weak('b', 0.9), weak('b', 0.9), v('a', 0.35)], policy, true)).toMatchObject({
      kind: 'unknown',
      bestResidentId: 'a',
    });
  });
});
