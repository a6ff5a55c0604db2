/**
 * One live-view relay's transcoder: the camera's pictures from the shared stream (stdin, starting
 * on the cached keyframe, so the first picture comes out at once) → MPEG-TS with MPEG-1 video on
 * stdout, what JSMpeg plays. The command line carries no URL and no password.
 */
import { pipeInput, type FfmpegSpec, type PipeCodec } from '../../../lib/ffmpeg/args.js';
import { runFfmpeg, type FfmpegExit, type FfmpegRun } from '../../../lib/ffmpeg/process.js';
import { feedDecoder, type PictureSource } from '../../../lib/stream/decoder-feed.js';

export interface Mpeg1Options {
  width: number;
  height: number;
  fps: number;
  kbps: number;
}

/**
 * Annex-B on stdin → MPEG-TS/MPEG-1: video only, an explicit size, rate and bit rate, no
 * B-frames (JSMpeg does not reorder), packets flushed as they are made. Pure.
 */
export function mpeg1Args(codec: PipeCodec, o: Mpeg1Options): FfmpegSpec {
  return {
    inputOptions: ['-hide_banner', '-loglevel', 'error', '-nostats', ...pipeInput(codec)],
    input: 'pipe:0',
    outputOptions: [
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-f',
      'mpegts',
      '-codec:v',
      'mpeg1video',
      '-s',
      `${o.width}x${o.height}`,
      '-r',
      String(o.fps),
      '-b:v',
      `${o.kbps}k`,
      '-bf',
      '0',
      '-threads',
      '1',
      '-flush_packets',
      '1',
    ],
  };
}

export interface Transcoder {
  /** ffmpeg's pid once the first picture started it. */
  readonly pid: number | undefined;
  /** Resolves when ffmpeg exited (or at kill() if it never started). */
  readonly exited: Promise<FfmpegExit>;
  kill(): Promise<FfmpegExit>;
}

export function startTranscoder(source: PictureSource, o: Mpeg1Options & { onData(chunk: Buffer): void }): Transcoder {
  let run: FfmpegRun | undefined;
  let resolveExit!: (e: FfmpegExit) => void;
  const exited = new Promise<FfmpegExit>((r) => (resolveExit = r));
  let killed = false;
  const feed = feedDecoder(source, {
    onFirst: (au) => {
      if (killed) return;
      run = runFfmpeg(mpeg1Args(au.codec, o), { stdin: feed.stdin, onData: o.onData });
      void run.exited.then((e) => {
        feed.close();
        resolveExit(e);
      });
    },
  });
  return {
    get pid() {
      return run?.pid;
    },
    exited,
    kill() {
      killed = true;
      feed.close();
      if (run) run.kill();
      else resolveExit({ code: null, signal: 'SIGKILL', stderr: [] });
      return exited;
    },
  };
}
