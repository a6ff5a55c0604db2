/**
 * A full-resolution JPEG from a camera's shared stream: the cached GOP decoded and its newest
 * picture encoded (no new camera session when the stream is open; on a cold stream, the first
 * keyframe of the session it opens, which then lingers for the next request).
 */
import { pipeJpegArgs } from '../ffmpeg/args.js';
import { classifyFailure } from '../ffmpeg/errors.js';
import { runFfmpeg } from '../ffmpeg/process.js';
import { PassThrough } from 'node:stream';
import type { AccessUnit, SharedStream } from './shared-stream.js';
import { RtspFailure } from '../rtsp/failure.js';

/** The pictures to decode: the cached GOP, or the first keyframe the stream delivers. */
function pictures(stream: Pick<SharedStream, 'cachedGop' | 'subscribe'>, timeoutS: number): Promise<AccessUnit[]> {
  const cached = stream.cachedGop();
  if (cached.length) return Promise.resolve(cached);
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, units?: AccessUnit[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => sub.close());
      if (err) reject(err);
      else resolve(units as AccessUnit[]);
    };
    const timer = setTimeout(
      () => finish(new RtspFailure({ reason: 'timeout', message: `no picture from the camera within ${timeoutS} s` })),
      timeoutS * 1000,
    );
    const sub = stream.subscribe({
      onUnit: (au) => {
        if (au.keyframe) finish(undefined, [au]);
      },
      onDown: (f) => finish(new RtspFailure(f)),
    });
  });
}

export async function grabJpegFromStream(
  stream: Pick<SharedStream, 'cachedGop' | 'subscribe'>,
  timeoutS = 10,
  maxBytes = 16 * 1024 * 1024,
): Promise<Buffer> {
  const units = await pictures(stream, timeoutS);
  const first = units[0] as AccessUnit;
  const stdin = new PassThrough();
  stdin.on('error', () => undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  const run = runFfmpeg(pipeJpegArgs(first.codec, units.length - 1), {
    stdin,
    onData: (c) => {
      size += c.length;
      if (size > maxBytes) run.kill();
      else chunks.push(c);
    },
  });
  for (const u of units) stdin.write(u.data);
  stdin.end();
  const timer = setTimeout(() => run.kill(), (timeoutS + 5) * 1000);
  const exit = await run.exited;
  clearTimeout(timer);
  const jpeg = Buffer.concat(chunks);
  if (exit.code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) return jpeg;
  throw new Error(classifyFailure(exit.stderr, exit).message);
}
