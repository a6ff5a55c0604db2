/**
 * A camera's live stream as video access units: ffmpeg reads the camera's RTSP URL and copies
 * the video (no transcoding) into an MPEG-TS pipe, which TsDemuxer cuts into pictures. The
 * parameter sets are repeated before every keyframe (dump_extra), so a receiver that joins at
 * any keyframe can decode.
 */
import type { FfmpegSpec } from '../../../gateway/cameras/ffmpeg/args.js';
import { runFfmpeg, type FfmpegRun } from '../../../gateway/cameras/ffmpeg/process.js';
import { TsDemuxer, type AccessUnit } from './ts-demux.js';
import type { PictureSource } from '../../../gateway/cameras/stream/decoder-feed.js';

/** ffmpeg arguments: RTSP over TCP in, the first video stream copied to MPEG-TS out. Pure. */
export function liveCopyArgs(url: string, ioTimeoutS = 5): FfmpegSpec {
  const rtsp = /^rtsps?:\/\//i.test(url);
  return {
    inputOptions: [
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostdin',
      ...(rtsp ? ['-rtsp_transport', 'tcp', '-timeout', String(Math.round(ioTimeoutS * 1e6))] : ['-re']),
      '-fflags',
      'nobuffer',
      // The RTSP SDP already names the codec and its parameter sets: half a second of probing
      // instead of ffmpeg's default 5 s brings the first picture to the platform ~2 s sooner.
      '-analyzeduration',
      '500000',
    ],
    input: url,
    outputOptions: [
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-c:v',
      'copy',
      '-bsf:v',
      'dump_extra=freq=keyframe',
      '-f',
      'mpegts',
      '-flush_packets',
      '1',
    ],
  };
}

export interface LiveSource {
  readonly pid: number | undefined;
  /** Resolves with why it ended (never rejects). */
  readonly ended: Promise<string>;
  stop(): void;
}

export function startLiveSource(url: string, onUnit: (au: AccessUnit) => void): LiveSource {
  const demux = new TsDemuxer();
  let failure: string | undefined;
  let run: FfmpegRun | undefined = undefined;
  run = runFfmpeg(liveCopyArgs(url), {
    onData: (chunk) => {
      if (failure) return;
      for (const au of demux.push(chunk)) onUnit(au);
      if (!demux.codec && demux.unsupported !== undefined) {
        failure = `the camera's video is not H.264 or H.265 (MPEG-TS stream type 0x${demux.unsupported.toString(16)}); it cannot be sent without transcoding`;
        run?.kill();
      }
    },
  });
  const r = run;
  const ended = r.exited.then((exit) => {
    if (failure) return failure;
    const why = exit.stderr.filter(Boolean).slice(-2).join(' | ');
    return `ffmpeg exited (${exit.signal ?? exit.code})${why ? `: ${why}` : ''}`;
  });
  return {
    get pid() {
      return r.pid;
    },
    ended,
    stop: () => r.kill(),
  };
}

/**
 * The camera's pictures from the cameras room's shared stream (one RTSP session for every
 * consumer; the cached GOP first, so the platform gets a keyframe at once). Ends when the camera
 * session drops, like the ffmpeg source when its ffmpeg exits.
 */
export function startSharedSource(pictures: PictureSource, onUnit: (au: AccessUnit) => void): LiveSource {
  let resolveEnded!: (why: string) => void;
  const ended = new Promise<string>((r) => (resolveEnded = r));
  const sub = pictures.subscribe({
    onUnit,
    onDown: (f) => {
      sub.close();
      resolveEnded(f.message);
    },
  });
  return {
    pid: undefined,
    ended,
    stop: () => {
      sub.close();
      resolveEnded('stopped');
    },
  };
}
