import { PassThrough } from 'node:stream';
import { pipeJpegArgs, redactUrl, withCredentials } from '../../lib/ffmpeg/args.js';
import { classifyFailure, type Failure, type FailureReason } from '../../lib/ffmpeg/errors.js';
import { runFfmpeg, type ProbedStream } from '../../lib/ffmpeg/process.js';
import { openRtsp, type RtspSession, type RtspTlsOptions } from '../../lib/rtsp/client.js';
import { RtspFailure } from '../../lib/rtsp/failure.js';
import type { AccessUnit } from '../../lib/rtsp/depacketize.js';
import { probeImage } from '../../lib/imaging/image.js';
import { parseOnvifAddress, formatOnvifAddress } from '../../lib/onvif/address.js';
import { connectOnvif, OnvifError, type DeviceInfo } from '../../lib/onvif/client.js';
import { pickProfiles, type OnvifProfile } from '../../lib/onvif/profiles.js';
import { errMessage } from '../../core/errors.js';

export interface StreamProbe {
  url: string;
  ok: boolean;
  streams: ProbedStream[];
  /** Bytes of the JPEG of the first decoded frame. */
  frameBytes: number;
  reason?: FailureReason | 'onvif';
  message?: string;
}

export interface ProbeReport {
  target: string;
  kind: 'rtsp' | 'onvif';
  ok: boolean;
  device?: DeviceInfo;
  profiles?: (OnvifProfile & { streamUri?: string; role?: string })[];
  stream?: StreamProbe;
  reason?: FailureReason | 'onvif';
  message?: string;
}

/**
 * What an RTSP URL offers and whether its first video frame decodes, with a reason when not. The
 * gateway's own RTSP client reads the stream (credentials stay in this process; no command line
 * carries them) and ffmpeg decodes the first keyframe from stdin.
 */
export async function probeRtsp(url: string, timeoutS = 10, tls?: RtspTlsOptions): Promise<StreamProbe> {
  const shown = redactUrl(url);
  const fail = (f: Failure, streams: ProbedStream[] = [], frameBytes = 0): StreamProbe => ({
    url: shown,
    ok: false,
    streams,
    frameBytes,
    reason: f.reason,
    message: f.message,
  });
  let session: RtspSession | undefined;
  let keyframe: AccessUnit | undefined;
  let settled = false;
  try {
    const first = new Promise<AccessUnit>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RtspFailure({ reason: 'timeout', message: `no keyframe within ${timeoutS} s` })),
        timeoutS * 1000,
      );
      void openRtsp({
        url,
        tls,
        timeoutS,
        onUnit: (au) => {
          if (!au.keyframe) return;
          clearTimeout(timer);
          resolve(au);
        },
        onEnd: (f) => {
          clearTimeout(timer);
          reject(new RtspFailure(f));
        },
      }).then(
        (s) => {
          session = s;
          if (settled) void s.close(); // opened after the timeout
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
    keyframe = await first;
  } catch (err) {
    return fail(err instanceof RtspFailure ? err.failure : { reason: 'exited', message: errMessage(err) });
  } finally {
    settled = true;
    await (session as RtspSession | undefined)?.close();
  }
  const stream: ProbedStream = { index: 0, type: 'video', codec: keyframe.codec, width: undefined, height: undefined, fps: undefined };
  const stdin = new PassThrough();
  stdin.on('error', () => undefined);
  const chunks: Buffer[] = [];
  const run = runFfmpeg(pipeJpegArgs(keyframe.codec, 0), { stdin, onData: (c) => chunks.push(c) });
  stdin.end(keyframe.data);
  const timer = setTimeout(() => run.kill(), (timeoutS + 5) * 1000);
  const exit = await run.exited;
  clearTimeout(timer);
  const jpeg = Buffer.concat(chunks);
  if (jpeg.length > 0 && exit.code === 0) {
    const size = await probeImage(jpeg).catch(() => undefined);
    return { url: shown, ok: true, streams: [{ ...stream, width: size?.width, height: size?.height }], frameBytes: jpeg.length };
  }
  const f = exit.signal
    ? { reason: 'timeout' as const, message: `no frame decoded within ${timeoutS + 5} s` }
    : classifyFailure(exit.stderr, exit);
  return fail(f, [stream], jpeg.length);
}

/** Probes an rtsp:// URL, or an ONVIF device (its profiles, then its analysis stream). */
export async function probeTarget(
  target: string,
  opts: { username?: string; password?: string; timeoutS?: number; analysisWidth?: number; tls?: RtspTlsOptions } = {},
): Promise<ProbeReport> {
  const timeoutS = opts.timeoutS ?? 10;
  if (/^rtsps?:\/\//i.test(target)) {
    const stream = await probeRtsp(withCredentials(target, opts.username, opts.password), timeoutS, opts.tls);
    return { target: redactUrl(target), kind: 'rtsp', ok: stream.ok, stream, reason: stream.reason, message: stream.message };
  }
  let address;
  try {
    address = parseOnvifAddress(target);
  } catch (err) {
    return { target, kind: 'onvif', ok: false, reason: 'not_rtsp', message: errMessage(err) };
  }
  const shown = formatOnvifAddress(address);
  let cam;
  try {
    cam = await connectOnvif({ ...address, username: opts.username, password: opts.password, timeoutMs: timeoutS * 1000 });
  } catch (err) {
    const e = err as OnvifError;
    const reason =
      e.kind === 'unauthorized' ? 'unauthorized' : e.kind === 'refused' ? 'refused' : e.kind === 'timeout' ? 'timeout' : 'onvif';
    return { target: shown, kind: 'onvif', ok: false, reason, message: `ONVIF: ${e.message}` };
  }
  try {
    const picked = pickProfiles(cam.profiles, opts.analysisWidth ?? 640);
    const profiles: NonNullable<ProbeReport['profiles']> = [];
    for (const p of cam.profiles) {
      const streamUri = await cam.streamUri(p.token).catch(() => undefined);
      const role =
        p.token === picked?.analysis.token
          ? p.token === picked?.main.token
            ? 'analysis+main'
            : 'analysis'
          : p.token === picked?.main.token
            ? 'main'
            : undefined;
      profiles.push({ ...p, streamUri, role });
    }
    const analysisUri = profiles.find((p) => p.role?.startsWith('analysis'))?.streamUri;
    if (!analysisUri)
      return {
        target: shown,
        kind: 'onvif',
        ok: false,
        device: cam.info,
        profiles,
        reason: 'unsupported_codec',
        message: 'no H.264/H.265 profile with a stream URI',
      };
    const stream = await probeRtsp(withCredentials(analysisUri, opts.username, opts.password), timeoutS, opts.tls);
    return {
      target: shown,
      kind: 'onvif',
      ok: stream.ok,
      device: cam.info,
      profiles,
      stream,
      reason: stream.reason,
      message: stream.message,
    };
  } finally {
    cam.close();
  }
}
