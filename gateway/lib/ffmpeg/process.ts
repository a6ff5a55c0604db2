import ffmpeg from 'fluent-ffmpeg';
import { PassThrough, type Readable } from 'node:stream';
import type { FfmpegSpec } from './args.js';

/**
 * The one file that imports fluent-ffmpeg. It runs a spec from ./args.ts with stdout piped to
 * the caller and reports how the process ended; it makes no decisions.
 */
export interface FfmpegExit {
  code: number | null;
  signal: string | null;
  /** The last stderr lines (at most 20), for classifying the failure. */
  stderr: string[];
}

export interface FfmpegRun {
  readonly pid: number | undefined;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<FfmpegExit>;
  /** SIGKILL (a frozen RTSP read does not react to SIGTERM quickly). Idempotent. */
  kill(): void;
}

export interface RunHandlers {
  onData(chunk: Buffer): void;
  onStderr?(line: string): void;
  onStart?(pid: number | undefined): void;
  /** Fed to ffmpeg's stdin (the spec's input is then pipe:0): pictures from the stream hub. */
  stdin?: Readable;
}

export function runFfmpeg(spec: FfmpegSpec, handlers: RunHandlers): FfmpegRun {
  const stderr: string[] = [];
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  out.on('data', (chunk: Buffer) => handlers.onData(chunk));
  let pid: number | undefined;
  let killed = false;
  const cmd = ffmpeg({ source: handlers.stdin ?? spec.input, stdoutLines: 20 })
    .inputOptions(spec.inputOptions)
    .outputOptions(spec.outputOptions);
  const exited = new Promise<FfmpegExit>((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: string | null) => {
      if (done) return;
      done = true;
      out.end();
      resolve({ code, signal, stderr: stderr.slice(-20) });
    };
    cmd.on('start', () => {
      const proc = (
        cmd as unknown as { ffmpegProc?: { pid?: number; once(e: 'exit', cb: (code: number | null, signal: string | null) => void): void } }
      ).ffmpegProc;
      pid = proc?.pid;
      proc?.once('exit', (code, signal) => setImmediate(() => finish(code, signal)));
      if (killed) cmd.kill('SIGKILL');
      handlers.onStart?.(pid);
    });
    cmd.on('stderr', (line: string) => {
      stderr.push(line);
      if (stderr.length > 40) stderr.splice(0, stderr.length - 20);
      handlers.onStderr?.(line);
    });
    cmd.on('end', () => finish(0, null));
    cmd.on('error', (err: Error) => {
      // "ffmpeg was killed with signal SIGKILL" / "ffmpeg exited with code 1: ..." / spawn errors
      const m = /exited with code (\d+)/.exec(err.message);
      const s = /killed with signal (\w+)/.exec(err.message);
      if (!m && !s) stderr.push(err.message.split('\n')[0] ?? '');
      finish(m ? Number(m[1]) : null, s ? (s[1] ?? null) : killed ? 'SIGKILL' : null);
    });
  });
  cmd.pipe(out, { end: false });
  return {
    get pid() {
      return pid;
    },
    exited,
    kill() {
      killed = true;
      try {
        cmd.kill('SIGKILL');
      } catch {
        /* not started yet: killed on start */
      }
    },
  };
}

/** A stream as `sharpeyes probe` reports it. */
export interface ProbedStream {
  index: number;
  type: string;
  codec: string | undefined;
  width: number | undefined;
  height: number | undefined;
  fps: number | undefined;
}
