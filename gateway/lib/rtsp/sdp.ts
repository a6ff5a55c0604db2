/**
 * The part of a camera's SDP (RFC 4566, RFC 6184, RFC 7798) the client needs: the first video
 * stream's codec, payload type, clock rate, control URL and out-of-band parameter sets. Pure.
 */

export type StreamCodec = 'h264' | 'hevc';

export interface VideoTrack {
  /** h264 / hevc when supported; otherwise the camera's codec name lower-cased (mjpeg, mpeg4...). */
  codec: string;
  supported: boolean;
  payloadType: number;
  clockRate: number;
  /** Absolute control URL for SETUP. */
  control: string;
  /** NAL units (no start codes) from sprop-parameter-sets / sprop-vps,sps,pps. */
  parameterSets: Buffer[];
}

const STATIC_PT: Record<number, string> = { 26: 'mjpeg', 32: 'mpv', 34: 'h263' };

export function parseSdp(sdp: string, baseUrl: string): VideoTrack | undefined {
  const lines = sdp.split(/\r?\n/);
  let sessionControl: string | undefined;
  let media: { type: string; pts: number[]; attrs: string[] } | undefined;
  const medias: { type: string; pts: number[]; attrs: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const [type, , , ...pts] = line.slice(2).trim().split(/\s+/);
      media = { type: type ?? '', pts: pts.map(Number).filter((n) => Number.isInteger(n)), attrs: [] };
      medias.push(media);
    } else if (line.startsWith('a=')) {
      if (media) media.attrs.push(line.slice(2).trim());
      else if (line.startsWith('a=control:')) sessionControl = line.slice('a=control:'.length).trim();
    }
  }
  const video = medias.find((m) => m.type === 'video');
  if (!video) return undefined;
  const pt = video.pts[0];
  if (pt === undefined) return undefined;
  const attr = (prefix: string) =>
    video.attrs
      .find((a) => a.startsWith(prefix))
      ?.slice(prefix.length)
      .trim();
  const rtpmap = attr(`rtpmap:${pt} `);
  const [encoding, rate] = (rtpmap ?? '').split('/');
  const name = (encoding || STATIC_PT[pt] || 'unknown').toLowerCase();
  const codec = name === 'h264' ? 'h264' : name === 'h265' ? 'hevc' : name === 'jpeg' ? 'mjpeg' : name === 'mp4v-es' ? 'mpeg4' : name;
  const fmtp = parseFmtp(attr(`fmtp:${pt} `) ?? '');
  const parameterSets: Buffer[] = [];
  const b64 = (s: string | undefined) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => Buffer.from(x, 'base64'))
      .filter((x) => x.length > 0);
  if (codec === 'h264') parameterSets.push(...b64(fmtp['sprop-parameter-sets']));
  if (codec === 'hevc') parameterSets.push(...b64(fmtp['sprop-vps']), ...b64(fmtp['sprop-sps']), ...b64(fmtp['sprop-pps']));
  const base = sessionControl && sessionControl !== '*' && /^rtsps?:/i.test(sessionControl) ? sessionControl : baseUrl;
  return {
    codec,
    supported: codec === 'h264' || codec === 'hevc',
    payloadType: pt,
    clockRate: Number(rate) || 90000,
    control: resolveControl(base, attr('control:')),
    parameterSets,
  };
}

function parseFmtp(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim().toLowerCase()] = part.slice(i + 1).trim();
  }
  return out;
}

/** RFC 2326 C.1.1: an absolute control URL as is, "*" or none: the base; else relative to the base. */
export function resolveControl(base: string, control: string | undefined): string {
  if (!control || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  return base.endsWith('/') ? `${base}${control}` : `${base}/${control}`;
}
