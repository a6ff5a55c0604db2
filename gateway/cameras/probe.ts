import { oneFrameArgs, redactUrl, SUPPORTED_CODECS, withCredentials } from './ffmpeg/args.js';
import { classifyFailure, type FailureReason } from './ffmpeg/errors.js';
import { probeStreams, runFfmpeg, type ProbedStream } from './ffmpeg/process.js';
import { parseOnvifAddress, formatOnvifAddress } from './onvif/address.js';
import { connectOnvif, OnvifError, type DeviceInfo } from './onvif/client.js';
import { pickProfiles, type OnvifProfile } from './onvif/profiles.js';
import { errMessage } from '../core/errors.js';

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

/** What an RTSP URL offers and whether its first video frame decodes, with a reason when not. */
export async function probeRtsp(url: string, timeoutS = 10): Promise<StreamProbe> {
  const shown = redactUrl(url);
  let streams: ProbedStream[] = [];
  try {
    streams = (await probeStreams(url, timeoutS)).streams;
  } catch (err) {
    const f = classifyFailure(errMessage(err).split('\n'));
    return { url: shown, ok: false, streams, frameBytes: 0, reason: f.reason, message: f.message };
  }
  const video = streams.find((s) => s.type === 'video');
  if (!video)
    return { url: shown, ok: false, streams, frameBytes: 0, reason: 'unsupported-codec', message: 'the stream has no video track' };
  if (!(SUPPORTED_CODECS as readonly string[]).includes(video.codec ?? '')) {
    return {
      url: shown,
      ok: false,
      streams,
      frameBytes: 0,
      reason: 'unsupported-codec',
      message: `the camera sends ${video.codec ?? 'an unknown codec'}; only H.264 and H.265 are supported`,
    };
  }
  let bytes = 0;
  const run = runFfmpeg(oneFrameArgs(url, timeoutS), { onData: (c) => (bytes += c.length) });
  const timer = setTimeout(() => run.kill(), (timeoutS + 5) * 1000);
  const exit = await run.exited;
  clearTimeout(timer);
  if (bytes > 0 && exit.code === 0) return { url: shown, ok: true, streams, frameBytes: bytes };
  const f = exit.signal
    ? { reason: 'timeout' as const, message: `no frame decoded within ${timeoutS + 5} s` }
    : classifyFailure(exit.stderr, exit);
  return { url: shown, ok: false, streams, frameBytes: bytes, reason: f.reason, message: f.message };
}

/** Probes an rtsp:// URL, or an ONVIF device (its profiles, then its analysis stream). */
export async function probeTarget(
  target: string,
  opts: { username?: string; password?: string; timeoutS?: number; analysisWidth?: number } = {},
): Promise<ProbeReport> {
  const timeoutS = opts.timeoutS ?? 10;
  if (/^rtsps?:\/\//i.test(target)) {
    const stream = await probeRtsp(withCredentials(target, opts.username, opts.password), timeoutS);
    return { target: redactUrl(target), kind: 'rtsp', ok: stream.ok, stream, reason: stream.reason, message: stream.message };
  }
  let address;
  try {
    address = parseOnvifAddress(target);
  } catch (err) {
    return { target, kind: 'onvif', ok: false, reason: 'not-rtsp', message: errMessage(err) };
  }
  const shown = formatOnvifAddress(address);
  let cam;
  try {
    cam = await connectOnvif({ ...address, username: opts.username, password: opts.password, timeoutMs: timeoutS * 1000 });
  } catch (err) {
    const e = err as OnvifError;
    const reason =
      e.kind === 'unauthorised' ? 'unauthorised' : e.kind === 'refused' ? 'refused' : e.kind === 'timeout' ? 'timeout' : 'onvif';
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
        reason: 'unsupported-codec',
        message: 'no H.264/H.265 profile with a stream URI',
      };
    const stream = await probeRtsp(withCredentials(analysisUri, opts.username, opts.password), timeoutS);
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
