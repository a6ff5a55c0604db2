/**
 * A small RTSP client (RFC 2326) for one camera stream: RTP interleaved over the RTSP TCP
 * connection, OPTIONS → DESCRIBE → SETUP → PLAY, Basic or Digest authentication, keepalive by
 * GET_PARAMETER (or OPTIONS), video depacketised into access units (./depacketize.ts). The
 * credentials stay in this process: no command line ever carries them. `rtsps://` runs the same
 * exchange inside TLS (default port 322), the camera's certificate checked against the system's
 * CAs, a CA of its own (`tls.ca`), or not at all only when `tls.insecure` says so.
 */
import { connect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { digestAuthorization, parseChallenges, pickDigest, type Challenge } from '../onvif/http-digest.js';
import { buildRequest, parseSession, RtspProtocolError, RtspReader, splitCredentials, type RtspResponse } from './message.js';
import { parseSdp, type StreamCodec, type VideoTrack } from './sdp.js';
import { Depacketizer, parseRtp, type AccessUnit } from './depacketize.js';
import { CLOSED_EARLY, RtspFailure, socketFailure, statusFailure, tlsFailure } from './failure.js';
import type { Failure } from '../ffmpeg/errors.js';
import { errMessage } from '../../core/errors.js';

/** How an rtsps:// camera's certificate is checked (ignored for rtsp://). */
export interface RtspTlsOptions {
  /** PEM: the only CAs trusted for this camera (its own CA, or its self-signed certificate). Default: the system's CAs. */
  ca?: string | Buffer;
  /** The name the certificate must carry, when it is not the host in the URL. */
  serverName?: string;
  /** Accept any certificate: encrypted, but anyone on the path can pose as the camera. */
  insecure?: boolean;
}

export interface RtspOpenOptions {
  /** rtsp://[user:password@]host[:port]/path or rtsps://… (TLS) */
  url: string;
  tls?: RtspTlsOptions;
  /** Connect and per-request timeout, seconds. */
  timeoutS: number;
  onUnit(au: AccessUnit): void;
  /** Once, when an opened session ends by itself (not after close()). */
  onEnd(failure: Failure): void;
}

export interface RtspSession {
  readonly track: VideoTrack & { codec: StreamCodec };
  /** TEARDOWN (not waited for long) and close the connection. Idempotent. */
  close(): Promise<void>;
}

/** Opens a session and starts playing; rejects with an RtspFailure. */
export async function openRtsp(o: RtspOpenOptions): Promise<RtspSession> {
  let c: Connection | undefined;
  try {
    c = new Connection(o);
    return await c.open();
  } catch (err) {
    c?.destroy();
    if (err instanceof RtspFailure) throw err;
    if (err instanceof RtspProtocolError)
      throw new RtspFailure({ reason: 'invalid_data', message: `the peer does not speak RTSP: ${err.message}` });
    throw new RtspFailure(socketFailure(err as NodeJS.ErrnoException));
  }
}

class Connection {
  private socket: Socket | undefined;
  private readonly reader = new RtspReader();
  private cseq = 0;
  private pending: { cseq: number; resolve(r: RtspResponse): void; reject(e: Error): void } | undefined;
  private readonly target: string;
  private readonly username: string | undefined;
  private readonly password: string | undefined;
  private challenge: Challenge | undefined;
  private basic = false;
  private nc = 0;
  private readonly cnonce = randomBytes(8).toString('hex');
  private session: string | undefined;
  private depack: Depacketizer | undefined;
  private payloadType = -1;
  private keepalive: NodeJS.Timeout | undefined;
  private playing = false;
  private closed = false;
  private ended = false;

  constructor(private readonly o: RtspOpenOptions) {
    const s = splitCredentials(o.url);
    this.target = s.url;
    this.username = s.username;
    this.password = s.password;
  }

  async open(): Promise<RtspSession> {
    await this.connect();
    const options = await this.request('OPTIONS', this.target);
    const pub = options.headers.get('public') ?? '';
    const describe = await this.request('DESCRIBE', this.target, { Accept: 'application/sdp' });
    const base = describe.headers.get('content-base') ?? describe.headers.get('content-location') ?? this.target;
    const track = parseSdp(describe.body.toString('utf8'), base);
    if (!track) throw new RtspFailure({ reason: 'unsupported_codec', message: 'the camera offers no video stream' });
    if (!track.supported)
      throw new RtspFailure({
        reason: 'unsupported_codec',
        message: `the camera sends ${track.codec}; only H.264 and H.265 are supported`,
      });
    const setup = await this.request('SETUP', track.control, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const session = parseSession(setup.headers.get('session'));
    if (!session) throw new RtspFailure({ reason: 'invalid_data', message: 'the camera answered SETUP without a Session' });
    this.session = session.id;
    const transport = setup.headers.get('transport') ?? '';
    if (transport && !/TCP/i.test(transport))
      throw new RtspFailure({ reason: 'invalid_data', message: `the camera did not accept RTP over TCP (Transport: ${transport})` });
    this.payloadType = track.payloadType;
    this.depack = new Depacketizer(track.codec as StreamCodec, track.parameterSets);
    await this.request('PLAY', base, { Range: 'npt=0.000-' });
    this.playing = true;
    const method = /GET_PARAMETER/.test(pub) ? 'GET_PARAMETER' : 'OPTIONS';
    this.keepalive = setInterval(() => void this.request(method, base).catch(() => undefined), (session.timeoutS * 1000) / 2);
    this.keepalive.unref();
    return { track: track as VideoTrack & { codec: StreamCodec }, close: () => this.close() };
  }

  private connect(): Promise<void> {
    const u = new URL(this.target);
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const secure = u.protocol === 'rtsps:';
    const t = this.o.tls ?? {};
    return new Promise((resolve, reject) => {
      const s = secure
        ? tlsConnect({
            host,
            port: Number(u.port || 322),
            // SNI and the name checked: the configured one, else the URL's host (SNI never carries an IP address).
            servername: t.serverName ?? (isIP(host) ? undefined : host),
            ...(t.serverName ? { checkServerIdentity: (_h: string, cert) => checkServerIdentity(t.serverName as string, cert) } : {}),
            ...(t.ca ? { ca: t.ca } : {}),
            rejectUnauthorized: !t.insecure,
          })
        : connect({ host, port: Number(u.port || 554) });
      this.socket = s;
      s.setNoDelay(true);
      const timer = setTimeout(() => {
        s.destroy();
        reject(new RtspFailure({ reason: 'timeout', message: `no connection to the camera within ${this.o.timeoutS} s` }));
      }, this.o.timeoutS * 1000);
      s.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve();
      });
      s.on('error', (err) => {
        clearTimeout(timer);
        const f = tlsFailure(err as NodeJS.ErrnoException) ?? socketFailure(err as NodeJS.ErrnoException, !this.playing);
        reject(new RtspFailure(f));
        this.fail(f);
      });
      s.on('close', () =>
        this.fail(
          this.playing ? { reason: 'exited', message: 'the camera closed the connection (camera gone or restarted)' } : CLOSED_EARLY,
        ),
      );
      s.on('data', (chunk: Buffer) => this.data(chunk));
    });
  }

  private data(chunk: Buffer): void {
    let items;
    try {
      items = this.reader.push(chunk);
    } catch (err) {
      this.fail({ reason: 'invalid_data', message: `the peer does not speak RTSP: ${errMessage(err)}` });
      this.socket?.destroy();
      return;
    }
    for (const it of items) {
      if (it.kind === 'interleaved') {
        if (it.channel !== 0 || !this.depack) continue; // RTCP and other channels
        const p = parseRtp(it.data);
        if (!p || p.payloadType !== this.payloadType) continue;
        const au = this.depack.push(p);
        if (au && this.playing && !this.closed) this.o.onUnit(au);
      } else if (it.kind === 'response') {
        const p = this.pending;
        if (p && String(p.cseq) === it.headers.get('cseq')) {
          this.pending = undefined;
          p.resolve(it);
        } else if (p && !it.headers.has('cseq')) {
          this.pending = undefined;
          p.resolve(it);
        }
      } else {
        const cseq = it.headers.get('cseq') ?? '0';
        const ok = it.method === 'OPTIONS' || it.method === 'GET_PARAMETER';
        this.socket?.write(`RTSP/1.0 ${ok ? '200 OK' : '501 Not Implemented'}\r\nCSeq: ${cseq}\r\n\r\n`);
      }
    }
  }

  private fail(f: Failure): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      p.reject(new RtspFailure(f));
    }
    if (this.keepalive) clearInterval(this.keepalive);
    if (this.playing && !this.closed && !this.ended) {
      this.ended = true;
      this.o.onEnd(f);
    }
  }

  private authorization(method: string, uri: string): string | undefined {
    if (this.username === undefined) return undefined;
    if (this.challenge)
      return digestAuthorization(this.challenge, {
        username: this.username,
        password: this.password ?? '',
        method,
        uri,
        cnonce: this.cnonce,
        nc: ++this.nc,
      });
    if (this.basic) return `Basic ${Buffer.from(`${this.username}:${this.password ?? ''}`).toString('base64')}`;
    return undefined;
  }

  private async request(method: string, uri: string, headers: Record<string, string> = {}, retried = false): Promise<RtspResponse> {
    const res = await this.send(method, uri, headers);
    if (res.status === 401 && !retried && this.username !== undefined) {
      const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '');
      const digest = pickDigest(challenges);
      const stale = digest?.params.stale?.toLowerCase() === 'true';
      if (digest && (stale || !this.challenge)) {
        this.challenge = digest;
        this.nc = 0;
        return this.request(method, uri, headers, true);
      }
      if (!digest && challenges.some((c) => c.scheme === 'basic') && !this.basic) {
        this.basic = true;
        return this.request(method, uri, headers, true);
      }
    }
    if (res.status < 200 || res.status >= 300) throw new RtspFailure(statusFailure(method, res.status, res.reason));
    return res;
  }

  private send(method: string, uri: string, headers: Record<string, string>): Promise<RtspResponse> {
    const s = this.socket;
    if (!s || s.destroyed) return Promise.reject(new RtspFailure({ reason: 'exited', message: 'the connection to the camera is closed' }));
    const cseq = ++this.cseq;
    const msg = buildRequest(method, uri, cseq, { ...headers, Session: this.session, Authorization: this.authorization(method, uri) });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.cseq !== cseq) return;
        this.pending = undefined;
        reject(new RtspFailure({ reason: 'timeout', message: `the camera did not answer ${method} within ${this.o.timeoutS} s` }));
      }, this.o.timeoutS * 1000);
      this.pending = {
        cseq,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      s.write(msg);
    });
  }

  destroy(): void {
    this.closed = true;
    if (this.keepalive) clearInterval(this.keepalive);
    this.socket?.destroy();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.keepalive) clearInterval(this.keepalive);
    const s = this.socket;
    if (s && !s.destroyed && this.session) {
      // Polite: TEARDOWN frees the camera's session slot at once instead of at its timeout.
      const teardown = this.sendQuiet('TEARDOWN');
      await Promise.race([teardown, new Promise((r) => setTimeout(r, 300))]);
    }
    s?.destroy();
  }

  private sendQuiet(method: string): Promise<void> {
    return new Promise((resolve) => {
      const s = this.socket;
      if (!s) return resolve();
      const msg = buildRequest(method, this.target, ++this.cseq, {
        Session: this.session,
        Authorization: this.authorization(method, this.target),
      });
      s.write(msg, () => resolve());
    });
  }
}
