/**
 * The camera's side of the stream evaluation: rendered frames are encoded to H.264 as a camera
 * would (main profile, 2 Mbit/s, GOP of 2 s, B-frames), and decoded again with the daemon's own
 * ffmpeg arguments (cameras/ffmpeg/args.ts: analysis size and frame rate).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { analysisArgs, argvOf } from '../../../../lib/ffmpeg/args.js';

export interface CameraEncoding {
  width: number;
  height: number;
  fps: number;
  /** e.g. '2M' */
  bitrate: string;
}

export const CAMERA_720P: CameraEncoding = { width: 1280, height: 720, fps: 25, bitrate: '2M' };

/** Encodes `frames` (rgb24, width * height * 3 each) to an MP4 file. */
export async function encodeClip(
  path: string,
  enc: CameraEncoding,
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<void> {
  const gop = String(enc.fps * 2);
  const ff = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${enc.width}x${enc.height}`,
      '-r',
      String(enc.fps),
      '-i',
      'pipe:0',
      '-c:v',
      'libx264',
      '-profile:v',
      'main',
      '-preset',
      'veryfast',
      '-b:v',
      enc.bitrate,
      '-maxrate',
      enc.bitrate,
      '-bufsize',
      enc.bitrate.replace(/(\d+)/, (m) => String(Number(m) * 2)),
      '-g',
      gop,
      '-bf',
      '2',
      '-pix_fmt',
      'yuv420p',
      '-threads',
      '1',
      path,
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  let stderr = '';
  ff.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(ff, 'close') as Promise<[number | null]>;
  ff.stdin.on('error', () => undefined);
  for await (const f of frames) {
    if (!ff.stdin.write(f)) await once(ff.stdin, 'drain');
  }
  ff.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`ffmpeg could not encode the clip (exit ${code}): ${stderr.trim()}`);
}

/** Frames of a clip as the daemon decodes a camera: analysis size, analysis frame rate. */
export async function* decodeAnalysed(path: string, a: { width: number; height: number; fps: number }): AsyncGenerator<Uint8Array> {
  const spec = analysisArgs({ url: path, width: a.width, height: a.height, fps: a.fps, threads: 1, ioTimeoutS: 10 });
  const argv = argvOf(spec).map((x) => (x === 'info' ? 'error' : x));
  const ff = spawn('ffmpeg', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ff.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(ff, 'close') as Promise<[number | null]>;
  const size = a.width * a.height * 3;
  let buf: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of ff.stdout as AsyncIterable<Buffer>) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= size) {
        yield new Uint8Array(buf.subarray(0, size));
        buf = buf.subarray(size);
      }
    }
  } finally {
    if (ff.exitCode === null) ff.kill('SIGKILL');
  }
  const [code] = await exited;
  if (code !== 0 && code !== null) throw new Error(`ffmpeg could not decode ${path} (exit ${code}): ${stderr.trim()}`);
}
