import { describe, expect, it } from 'vitest';
import { buildRequest, parseSession, RtspProtocolError, RtspReader, splitCredentials } from './message.js';
import { parseSdp, resolveControl } from './sdp.js';
import { Depacketizer, parseRtp, type RtpPacket } from './depacketize.js';
import { socketFailure, statusFailure } from './failure.js';
import { GopCache } from '../stream/gop-cache.js';

const rtp = (seq: number, ts: number, payload: number[] | Buffer, marker = false): RtpPacket => ({
  marker,
  payloadType: 96,
  seq,
  timestamp: ts,
  payload: Buffer.from(payload),
});
const SPS = [0x67, 0x42, 0x00, 0x1f];
const PPS = [0x68, 0xce, 0x3c, 0x80];
const annexB = (...nals: number[][]) => Buffer.concat(nals.map((n) => Buffer.from([0, 0, 0, 1, ...n])));

describe('RTSP reader', () => {
  it('splits responses and interleaved packets across arbitrary chunk boundaries', () => {
    const bytes = Buffer.concat([
      Buffer.from(
        'RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 4\r\nWWW-Authenticate: Digest a\r\nWWW-Authenticate: Basic b\r\n\r\nv=0\n',
      ),
      Buffer.from([0x24, 0, 0, 3, 1, 2, 3, 0x24, 1, 0, 1, 9]),
      Buffer.from('OPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n'),
    ]);
    for (const step of [1, 3, 7, bytes.length]) {
      const r = new RtspReader();
      const items = [];
      for (let i = 0; i < bytes.length; i += step) items.push(...r.push(bytes.subarray(i, i + step)));
      expect(items.map((i) => i.kind)).toEqual(['response', 'interleaved', 'interleaved', 'request']);
      const res = items[0] as { status: number; headers: Map<string, string>; body: Buffer };
      expect([res.status, res.headers.get('cseq'), res.body.toString()]).toEqual([200, '2', 'v=0\n']);
      expect(res.headers.get('www-authenticate')).toBe('Digest a, Basic b');
      expect(items[1]).toMatchObject({ channel: 0, data: Buffer.from([1, 2, 3]) });
    }
  });

  it('refuses an HTTP server, garbage and oversized bodies at once', () => {
    expect(() => new RtspReader().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'))).toThrow(RtspProtocolError);
    expect(() => new RtspReader().push(Buffer.from('\x00\xffgarbage'))).toThrow(RtspProtocolError);
    expect(() => new RtspReader().push(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n'))).toThrow(/Content-Length/);
  });

  it('builds requests without header injection, parses sessions, strips credentials from the URL', () => {
    expect(buildRequest('OPTIONS', 'rtsp://h/s', 1, { Session: undefined }).toString()).toBe(
      'OPTIONS rtsp://h/s RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: sharpeyes-gateway\r\n\r\n',
    );
    expect(() => buildRequest('PLAY', 'rtsp://h/s', 1, { Session: 'a\r\nX: y' })).toThrow(/line break/);
    expect(parseSession('1234;timeout=30')).toEqual({ id: '1234', timeoutS: 30 });
    expect(parseSession('abc')).toEqual({ id: 'abc', timeoutS: 60 });
    expect(splitCredentials('rtsp://ad%40min:p%3Ass@10.0.0.2:554/h264')).toEqual({
      url: 'rtsp://10.0.0.2:554/h264',
      username: 'ad@min',
      password: 'p:ss',
    });
    expect(splitCredentials('rtsps://u:p@cam:322/s')).toEqual({ url: 'rtsps://cam:322/s', username: 'u', password: 'p' });
    expect(() => splitCredentials('http://x/')).toThrow(/rtsp/);
    expect(statusFailure('DESCRIBE', 401, 'Unauthorized').reason).toBe('unauthorized');
    expect(statusFailure('SETUP', 453, 'Not Enough Bandwidth').reason).toBe('refused');
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(socketFailure(reset, true).reason).toBe('refused'); // a camera at its session limit
    expect(socketFailure(reset, false).reason).toBe('exited'); // a camera gone while playing
  });
});

describe('SDP', () => {
  it('finds the video track, its codec, parameter sets and control URL', () => {
    const sdp = [
      'v=0',
      'a=control:*',
      'm=audio 0 RTP/AVP 8',
      'a=control:track2',
      'm=video 0 RTP/AVP 96',
      'a=rtpmap:96 H264/90000',
      `a=fmtp:96 packetization-mode=1;sprop-parameter-sets=${Buffer.from(SPS).toString('base64')},${Buffer.from(PPS).toString('base64')}`,
      'a=control:trackID=1',
    ].join('\r\n');
    const t = parseSdp(sdp, 'rtsp://cam/live/')!;
    expect(t).toMatchObject({ codec: 'h264', supported: true, payloadType: 96, clockRate: 90000, control: 'rtsp://cam/live/trackID=1' });
    expect(t.parameterSets).toEqual([Buffer.from(SPS), Buffer.from(PPS)]);
    expect(parseSdp('v=0\r\nm=video 0 RTP/AVP 26\r\n', 'rtsp://c/')).toMatchObject({ codec: 'mjpeg', supported: false });
    expect(parseSdp('v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\n', 'rtsp://c/')).toMatchObject({
      codec: 'hevc',
      supported: true,
    });
    expect(parseSdp('v=0\r\nm=audio 0 RTP/AVP 0\r\n', 'rtsp://c/')).toBeUndefined();
    expect(resolveControl('rtsp://c/a', 'rtsp://d/b')).toBe('rtsp://d/b');
    expect(resolveControl('rtsp://c/a', 'stream=0')).toBe('rtsp://c/a/stream=0');
    expect(resolveControl('rtsps://c/a', 'rtsps://c/a/t0')).toBe('rtsps://c/a/t0');
  });
});

describe('H.264 depacketiser', () => {
  it('parses RTP headers with CSRCs, extension and padding', () => {
    const b = Buffer.from([0xb1, 0xe0, 0, 5, 0, 0, 0, 9, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 2, 2, 2, 2, 0x65, 0xaa, 0, 2]);
    expect(parseRtp(b)).toMatchObject({ marker: true, payloadType: 96, seq: 5, timestamp: 9, payload: Buffer.from([0x65, 0xaa]) });
    expect(parseRtp(Buffer.from([0x40, 0, 0, 0]))).toBeUndefined();
  });

  it('joins STAP-A and FU-A into Annex-B pictures, parameter sets before the keyframe', () => {
    const d = new Depacketizer('h264', [Buffer.from(SPS), Buffer.from(PPS)]);
    // A P picture before any keyframe is dropped (nothing could decode it).
    expect(d.push(rtp(1, 100, [0x41, 1, 2], true))).toBeUndefined();
    // IDR in three FU-A fragments (NRI 3, type 5).
    expect(d.push(rtp(2, 200, [0x7c, 0x85, 0xa, 0xb]))).toBeUndefined();
    expect(d.push(rtp(3, 200, [0x7c, 0x05, 0xc]))).toBeUndefined();
    const idr = d.push(rtp(4, 200, [0x7c, 0x45, 0xd], true))!;
    expect(idr.keyframe).toBe(true);
    expect(idr.data).toEqual(annexB(SPS, PPS, [0x65, 0xa, 0xb, 0xc, 0xd]));
    // STAP-A carrying an SPS and a PPS of its own, then a P slice in the same picture.
    d.push(rtp(5, 300, [0x78, 0, 4, ...SPS, 0, 4, ...PPS]));
    const p = d.push(rtp(6, 300, [0x41, 7], true))!;
    expect(p).toMatchObject({ keyframe: false, pts: 300, data: annexB(SPS, PPS, [0x41, 7]) });
    // A lost packet drops the picture and what follows up to the next keyframe.
    expect(d.push(rtp(8, 400, [0x41, 8], true))).toBeUndefined();
    expect(d.push(rtp(9, 500, [0x41, 9], true))).toBeUndefined();
    expect(d.push(rtp(10, 600, [0x65, 1], true))).toMatchObject({ keyframe: true });
    expect(d.dropped).toBe(3);
  });

  it('H.265: FU and AP, IRAP pictures are keyframes; timestamps extend past the 32-bit wrap', () => {
    const vps = [0x40, 0x01, 0xaa];
    const d = new Depacketizer('hevc', [Buffer.from(vps)]);
    // FU (type 49) of an IDR_W_RADL (type 19).
    d.push(rtp(1, 0xfffffff0, [0x62, 0x01, 0x80 | 19, 1]));
    const k = d.push(rtp(2, 0xfffffff0, [0x62, 0x01, 0x40 | 19, 2], true))!;
    expect(k.keyframe).toBe(true);
    expect(k.data).toEqual(annexB(vps, [19 << 1, 0x01, 1, 2]));
    const next = d.push(rtp(3, 0x10, [0x02, 0x01, 5], true))!;
    expect(next.pts - k.pts).toBe(0x20);
  });
});

describe('GOP cache', () => {
  const au = (keyframe: boolean, n = 10) => ({ codec: 'h264' as const, pts: 0, dts: 0, keyframe, data: Buffer.alloc(n) });
  it('keeps the newest keyframe and what follows, within bounds', () => {
    const g = new GopCache({ maxBytes: 100, maxUnits: 4 });
    g.push(au(false));
    expect(g.size).toBe(0);
    g.push(au(true));
    g.push(au(false));
    g.push(au(false));
    expect(g.snapshot().map((u) => u.keyframe)).toEqual([true, false, false]);
    g.push(au(true));
    expect(g.size).toBe(1);
    g.push(au(false));
    g.push(au(false));
    g.push(au(false));
    g.push(au(false)); // a fifth picture: over maxUnits
    expect([g.size, g.overflows]).toEqual([0, 1]);
    g.push(au(false));
    expect(g.size).toBe(0);
  });
});
