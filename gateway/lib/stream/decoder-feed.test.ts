import { describe, expect, it } from 'vitest';
import { feedDecoder, type PictureSource } from './decoder-feed.js';
import type { AccessUnit } from './shared-stream.js';
import type { Failure } from '../ffmpeg/errors.js';

/** A source the test drives by hand (the feed's logic is pure; the real stream is tested elsewhere). */
function handSource() {
  let c: { onUnit(au: AccessUnit): void; onDown?(f: Failure): void } | undefined;
  let closed = false;
  const source: PictureSource = {
    subscribe(consumer) {
      c = consumer;
      return { close: () => void (closed = true) };
    },
  };
  const au = (keyframe: boolean, size: number, tag: number): AccessUnit => ({
    codec: 'h264',
    pts: tag,
    dts: tag,
    keyframe,
    data: Buffer.alloc(size, tag),
  });
  return {
    source,
    push: (k: boolean, size: number, tag: number) => c?.onUnit(au(k, size, tag)),
    down: (f: Failure) => c?.onDown?.(f),
    isClosed: () => closed,
  };
}

describe('feedDecoder', () => {
  it('starts on a keyframe, skips to the next keyframe when the decoder lags, and again after the stream went down', () => {
    const h = handSource();
    const feed = feedDecoder(h.source, { maxBacklogBytes: 1000 });
    h.push(false, 10, 1); // before any keyframe: useless to a decoder
    h.push(true, 600, 2);
    h.push(false, 600, 3); // 600 waiting (nobody reads stdin): still under the bound
    h.push(false, 100, 4); // 1200 waiting: over it, skipped, and so is what follows until a keyframe
    h.push(false, 100, 5);
    expect(feed.codec).toBe('h264');
    /** The pictures written to stdin since the last call, by their fill byte (one run per picture). */
    const taken = () => {
      const data = (feed.stdin.read() as Buffer | null) ?? Buffer.alloc(0);
      const out: number[] = [];
      for (const b of data) if (out.at(-1) !== b) out.push(b);
      return out;
    };
    expect(taken()).toEqual([2, 3]); // the decoder catches up
    h.push(false, 10, 6); // still waiting for a keyframe
    h.push(true, 10, 7);
    h.push(false, 10, 8);
    expect(taken()).toEqual([7, 8]);
    h.down({ reason: 'exited', message: 'camera gone' });
    h.push(false, 10, 9); // after a reconnect: from a keyframe again
    h.push(true, 10, 10);
    expect(taken()).toEqual([10]);
    expect(feed.skipped).toBe(5); // 1 (before the first keyframe), 4, 5, 6 (lag), 9 (reconnect)
    feed.close();
    expect(h.isClosed()).toBe(true);
  });
});
