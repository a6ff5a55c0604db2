/**
 * The SDP of a GB/T 28181 live-video INVITE (RFC 4566 with the standard's `y=` SSRC and `f=`
 * lines, RFC 4145 `a=setup`/`a=connection` for RTP over TCP) and the device's answer. Pure.
 */

export class SdpError extends Error {
  override name = 'SdpError';
}

export interface MediaOffer {
  /** Play (live), Playback, Download, Talk. */
  sessionName: string;
  /** Where the platform wants the stream (IPv4 literal). */
  address: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** Only for TCP: who opens the connection. 'active' = the device connects (the platform listens). */
  deviceRole: 'active' | 'passive';
  /** Payload type the platform maps to PS/90000. */
  payloadType: number;
  /** SSRC from `y=` (decimal, 10 digits). */
  ssrc: number;
  ssrcText: string;
}

const MAX_SDP = 8192;

export function parseOffer(sdp: string): MediaOffer {
  if (sdp.length > MAX_SDP) throw new SdpError(`SDP of ${sdp.length} characters`);
  const lines = sdp
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  let session = '';
  let address: string | undefined;
  let media: { port: number; proto: string; pts: number[] } | undefined;
  let mediaAddress: string | undefined;
  let ssrcText: string | undefined;
  let setup: string | undefined;
  const rtpmap = new Map<number, string>();
  let videoCount = 0;
  let inVideo = false;
  for (const line of lines) {
    const m = /^([a-z])=(.*)$/.exec(line);
    if (!m) throw new SdpError(`bad SDP line "${line.slice(0, 40)}"`);
    const [, type, value] = m as unknown as [string, string, string];
    if (type === 's') session = value.trim();
    else if (type === 'c') {
      const c = /^IN IP4 (\d{1,3}(?:\.\d{1,3}){3})(?:\/\d+)?$/.exec(value.trim());
      if (!c) throw new SdpError(`unsupported connection line "c=${value.slice(0, 40)}" (IPv4 address expected)`);
      if (inVideo) mediaAddress = c[1];
      else address = c[1];
    } else if (type === 'm') {
      inVideo = value.startsWith('video ');
      if (!inVideo) continue;
      videoCount++;
      const mm = /^video (\d{1,5})(?:\/\d+)? ((?:TCP\/)?RTP\/AVP) ([\d ]+)$/.exec(value.trim());
      if (!mm) throw new SdpError(`unsupported media line "m=${value.slice(0, 60)}"`);
      media = { port: Number(mm[1]), proto: mm[2] as string, pts: (mm[3] as string).trim().split(/\s+/).map(Number) };
    } else if (type === 'a' && inVideo) {
      const r = /^rtpmap:(\d{1,3}) ([^/\s]+)\/(\d+)/.exec(value);
      if (r) rtpmap.set(Number(r[1]), `${(r[2] as string).toUpperCase()}/${r[3]}`);
      const s = /^setup:(\w+)$/.exec(value);
      if (s) setup = (s[1] as string).toLowerCase();
    } else if (type === 'y') ssrcText = value.trim();
  }
  if (!media || videoCount === 0) throw new SdpError('no video media line');
  const addr = mediaAddress ?? address;
  if (!addr) throw new SdpError('no connection address');
  if (addr.split('.').some((o) => Number(o) > 255)) throw new SdpError(`bad address ${addr}`);
  const transport = media.proto === 'RTP/AVP' ? 'udp' : 'tcp';
  const psPt = media.pts.find((pt) => rtpmap.get(pt) === 'PS/90000');
  if (psPt === undefined) throw new SdpError('the offer has no PS/90000 payload type (only MPEG PS is sent)');
  if (!ssrcText || !/^\d{1,10}$/.test(ssrcText) || Number(ssrcText) > 0xffffffff)
    throw new SdpError(`bad or missing y= SSRC "${ssrcText ?? ''}"`);
  // RFC 4145: the platform's "passive" means it listens and the device connects (active).
  const deviceRole = setup === 'active' ? 'passive' : 'active';
  if (media.port === 0 && !(transport === 'tcp' && deviceRole === 'passive')) throw new SdpError('media port 0 (stream declined)');
  return {
    sessionName: session,
    address: addr,
    port: media.port,
    transport,
    deviceRole,
    payloadType: psPt,
    ssrc: Number(ssrcText),
    ssrcText,
  };
}

export interface Answer {
  channelId: string;
  address: string;
  /** The device's media port (its RTP socket, its TCP listener, or 9 when it connects). */
  port: number;
  offer: MediaOffer;
}

export function buildAnswer(a: Answer): string {
  const tcp = a.offer.transport === 'tcp';
  const lines = [
    'v=0',
    `o=${a.channelId} 0 0 IN IP4 ${a.address}`,
    's=Play',
    `c=IN IP4 ${a.address}`,
    't=0 0',
    `m=video ${a.port} ${tcp ? 'TCP/RTP/AVP' : 'RTP/AVP'} ${a.offer.payloadType}`,
    'a=sendonly',
    `a=rtpmap:${a.offer.payloadType} PS/90000`,
    ...(tcp ? [`a=setup:${a.offer.deviceRole}`, 'a=connection:new'] : []),
    `y=${a.offer.ssrcText}`,
    'f=',
  ];
  return `${lines.join('\r\n')}\r\n`;
}
