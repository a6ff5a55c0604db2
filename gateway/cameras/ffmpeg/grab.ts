import { oneFrameArgs } from './args.js';
import { classifyFailure } from './errors.js';
import { runFfmpeg } from './process.js';

/** One JPEG from a stream (e.g. the main profile, for a full-resolution snapshot). */
export async function grabJpeg(url: string, timeoutS = 10, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const run = runFfmpeg(oneFrameArgs(url, timeoutS), {
    onData: (c) => {
      size += c.length;
      if (size > maxBytes) run.kill();
      else chunks.push(c);
    },
  });
  const timer = setTimeout(() => run.kill(), (timeoutS + 5) * 1000);
  const exit = await run.exited;
  clearTimeout(timer);
  const jpeg = Buffer.concat(chunks);
  if (exit.code === 0 && jpeg.length > 2 && jpeg[0] === 0xff && jpeg[1] === 0xd8) return jpeg;
  throw new Error(classifyFailure(exit.stderr, exit).message);
}
