/**
 * ffmpeg command lines, as pure functions of configuration: config in, argv out. The process
 * wrapper (./process.ts) only runs what these return.
 */
import { redactText, registerSecret } from '../../core/redact.js';

export interface FfmpegSpec {
  inputOptions: string[];
  input: string;
  outputOptions: string[];
}

export interface AnalysisArgs {
  url: string;
  width: number;
  height: number;
  fps: number;
  threads: number;
  /** Socket I/O timeout for RTSP, seconds (ffmpeg gives up after about 5x this). */
  ioTimeoutS: number;
  /** Decode keyframes only: ~25x cheaper, but only one frame per GOP. */
  keyframesOnly?: boolean;
  /** Read the camera's pictures from stdin (the stream hub), not from `url`. */
  pipe?: PipeCodec;
}

/** What the stream hub writes to a decoder's stdin: Annex-B H.264 or H.265. */
export type PipeCodec = 'h264' | 'hevc';

/**
 * Input options for Annex-B video on stdin from the stream hub. A raw stream has no timestamps:
 * they are taken from the arrival time (so fps filters follow the camera's real rate), and
 * probing is cut short (the hub starts every decoder on a keyframe with its parameter sets; with
 * ffmpeg's default 5 s of analysis no picture would come out for seconds).
 */
export function pipeInput(codec: PipeCodec): string[] {
  // Not -fflags nobuffer: it throws away the packets read while probing, i.e. the cached keyframe.
  return ['-f', codec, '-use_wallclock_as_timestamps', '1', '-probesize', '500000', '-analyzeduration', '0'];
}

function isRtsp(url: string): boolean {
  return /^rtsps?:\/\//i.test(url);
}

function rtspInput(url: string, ioTimeoutS: number): string[] {
  if (!isRtsp(url)) return [];
  return ['-rtsp_transport', 'tcp', '-timeout', String(Math.round(ioTimeoutS * 1_000_000))];
}

/** RTSP over TCP → raw rgb24 frames of the analysis size at the analysis rate, on stdout. */
export function analysisArgs(a: AnalysisArgs): FfmpegSpec {
  return {
    inputOptions: [
      '-hide_banner',
      // info (not error): the input's "Stream #0:0: Video: h264" line names the codec, which the
      // ingest checks; -nostats keeps the rest of stderr quiet.
      '-loglevel',
      'info',
      '-nostats',
      '-nostdin',
      ...(a.pipe ? pipeInput(a.pipe) : rtspInput(a.url, a.ioTimeoutS)),
      '-threads',
      String(a.threads),
      ...(a.keyframesOnly ? ['-skip_frame', 'nokey'] : []),
    ],
    input: a.pipe ? 'pipe:0' : a.url,
    outputOptions: [
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      `fps=${a.fps},scale=${a.width}:${a.height}:flags=fast_bilinear`,
      '-pix_fmt',
      'rgb24',
      '-threads',
      '1',
      '-f',
      'rawvideo',
    ],
  };
}

/**
 * One JPEG from pictures on stdin (a full-resolution snapshot from the stream hub's cached GOP):
 * the `frames`-th decoded picture (0-based: the newest of the GOP handed over), or the first if
 * fewer decode.
 */
export function pipeJpegArgs(codec: PipeCodec, pick: number): FfmpegSpec {
  return {
    inputOptions: ['-hide_banner', '-loglevel', 'error', '-nostats', ...pipeInput(codec)],
    input: 'pipe:0',
    outputOptions: [
      '-map',
      '0:v:0',
      '-vf',
      `select=gte(n\\,${Math.max(0, Math.floor(pick))})`,
      '-frames:v',
      '1',
      '-f',
      'image2pipe',
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
    ],
  };
}

/** The argv ffmpeg receives (what fluent-ffmpeg builds from a spec with a pipe output). */
export function argvOf(spec: FfmpegSpec): string[] {
  return [...spec.inputOptions, '-i', spec.input, ...spec.outputOptions, 'pipe:1'];
}

/** Puts user and password into an RTSP URL (percent-encoded), unless it already has a user. */
export function withCredentials(url: string, username: string | undefined, password: string | undefined): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url; // not a URL (a file or device path): nothing to add, nothing secret in it
  }
  // A password written into the URL itself is as secret as one from a file.
  if (u.password) registerSecret(decodeURIComponent(u.password));
  if (!username || u.username) return url;
  u.username = encodeURIComponent(username);
  registerSecret(password);
  if (password !== undefined) u.password = encodeURIComponent(password);
  return u.toString();
}

/** The URL with its password replaced, for logs and events. */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Codecs the gateway accepts from a camera. */
export const SUPPORTED_CODECS = ['h264', 'hevc'] as const;

/** The video codec named by one of ffmpeg's stderr lines ("Stream #0:0: Video: h264 ..."), if any. */
export function videoCodecOf(line: string): string | undefined {
  return /Stream #\d+:\d+.*?: Video: ([A-Za-z0-9_]+)/.exec(line)?.[1];
}
