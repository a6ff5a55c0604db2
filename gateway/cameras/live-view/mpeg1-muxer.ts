import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * node-rtsp-stream's Mpeg1Muxer (CommonJS, untyped), the one place it is loaded. It spawns
 * `ffmpegPath -i URL -f mpegts -codec:v mpeg1video [ffmpegOptions...] -` and emits 'mpeg1data'
 * with each stdout chunk. Its limits, worked around here and in the relay:
 * - ffmpegOptions go after -i: RTSP input options (TCP, I/O timeout) come from the wrapper script
 *   passed as ffmpegPath (gateway/cameras/live-view/ffmpeg-rtsp-tcp.sh);
 * - it only reacts to exit code 1 and never restarts: `exited` resolves on any exit and the relay
 *   decides whether to start another;
 * - it has no stop: `kill()` ends its ffmpeg child;
 * - its spawn errors have no listener (they would crash the process): handled here.
 */
interface RawMuxer extends EventEmitter {
  stream: ChildProcess;
}
type RawMuxerCtor = new (options: { url: string; ffmpegPath: string; ffmpegOptions?: Record<string, string> }) => RawMuxer;

const Mpeg1Muxer = createRequire(import.meta.url)('node-rtsp-stream/mpeg1muxer.js') as RawMuxerCtor;

/** ffmpeg with `-rtsp_transport tcp -timeout 5 s -loglevel error` before node-rtsp-stream's `-i`. */
export const FFMPEG_RTSP_TCP = resolve(dirname(fileURLToPath(import.meta.url)), './ffmpeg-rtsp-tcp.sh');

export interface Mpeg1Options {
  width: number;
  height: number;
  fps: number;
  kbps: number;
}

/**
 * The output options after node-rtsp-stream's `-f mpegts -codec:v mpeg1video`: video only, an
 * explicit size (with -loglevel error nothing reports the input's), rate and bit rate, no
 * B-frames (JSMpeg does not reorder). Pure; keys keep their order on the command line.
 */
export function mpeg1FfmpegOptions(o: Mpeg1Options): Record<string, string> {
  return {
    '-map': '0:v:0',
    '-an': '',
    '-sn': '',
    '-dn': '',
    '-s': `${o.width}x${o.height}`,
    '-r': String(o.fps),
    '-b:v': `${o.kbps}k`,
    '-bf': '0',
    '-threads': '1',
  };
}

export interface MuxerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines ffmpeg wrote to stderr (errors only). */
  stderr: string[];
}

export interface Mpeg1Relay {
  readonly pid: number | undefined;
  readonly exited: Promise<MuxerExit>;
  /** SIGTERM, then SIGKILL after 2 s; resolves when ffmpeg has exited. */
  kill(): Promise<MuxerExit>;
}

export interface StartMpeg1Options extends Mpeg1Options {
  url: string;
  onData(chunk: Buffer): void;
  /** Defaults to ./ffmpeg-rtsp-tcp.sh. */
  ffmpegPath?: string;
}

/** Starts one Mpeg1Muxer (one ffmpeg) and reports its data and its exit, whatever the code. */
export function startMpeg1Muxer(o: StartMpeg1Options): Mpeg1Relay {
  const muxer = new Mpeg1Muxer({ url: o.url, ffmpegPath: o.ffmpegPath ?? FFMPEG_RTSP_TCP, ffmpegOptions: mpeg1FfmpegOptions(o) });
  const child = muxer.stream;
  let stderr = '';
  muxer.on('mpeg1data', (chunk: Buffer) => o.onData(chunk));
  muxer.on('ffmpegStderr', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let spawnError: Error | undefined;
  const exited = new Promise<MuxerExit>((res) => {
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      const lines = stderr.trim().split('\n').filter(Boolean).slice(-3);
      res({ code, signal, stderr: spawnError ? [...lines, spawnError.message] : lines });
    };
    child.once('exit', done);
    child.once('error', (err) => {
      spawnError = err;
      // A failed spawn emits no 'exit'.
      if (child.pid === undefined) done(null, null);
    });
  });
  return {
    get pid() {
      return child.pid;
    },
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        t.unref();
        const e = await exited;
        clearTimeout(t);
        return e;
      }
      return exited;
    },
  };
}
