/**
 * Pictures from a shared stream into a decoder's stdin (an ffmpeg reading `-f h264 -i pipe:0`),
 * never buffered without bound: when the decoder falls behind by more than `maxBacklogBytes`,
 * pictures are skipped up to the next keyframe (a decoder needs one to start cleanly again).
 */
import { PassThrough } from 'node:stream';
import type { Failure } from '../ffmpeg/errors.js';
import type { AccessUnit, StreamSubscription } from './shared-stream.js';

/** What a decoder needs of a stream: subscribe to its pictures. */
export interface PictureSource {
  subscribe(c: { onUnit(au: AccessUnit): void; onDown?(failure: Failure): void }): StreamSubscription;
}

export interface DecoderFeed {
  /** Hand this to runFfmpeg as `stdin`. */
  readonly stdin: PassThrough;
  /** Codec of the first picture (known once one arrived). */
  readonly codec: AccessUnit['codec'] | undefined;
  /** Pictures not written: before the first keyframe, or up to the next keyframe after a lag or a reconnect. */
  readonly skipped: number;
  close(): void;
}

export function feedDecoder(
  source: PictureSource,
  opts: { maxBacklogBytes?: number; onDown?(failure: Failure): void; onFirst?(au: AccessUnit): void } = {},
): DecoderFeed {
  const max = opts.maxBacklogBytes ?? 8 * 1024 * 1024;
  const stdin = new PassThrough({ highWaterMark: 1 << 20 });
  stdin.on('error', () => undefined);
  let waitKey = true;
  let skipped = 0;
  let codec: AccessUnit['codec'] | undefined;
  let closed = false;
  const sub = source.subscribe({
    onUnit: (au) => {
      if (closed) return;
      if (waitKey && !au.keyframe) return void skipped++;
      // A PassThrough moves what is written to its readable side at once: the backlog is both.
      if (stdin.writableLength + stdin.readableLength > max) {
        waitKey = true;
        skipped++;
        return;
      }
      if (!codec) {
        codec = au.codec;
        opts.onFirst?.(au);
      }
      waitKey = false;
      stdin.write(au.data);
    },
    onDown: (f) => {
      waitKey = true; // after a reconnect, start again from a keyframe
      opts.onDown?.(f);
    },
  });
  return {
    stdin,
    get codec() {
      return codec;
    },
    get skipped() {
      return skipped;
    },
    close() {
      if (closed) return;
      closed = true;
      sub.close();
      stdin.end();
    },
  };
}
