/**
 * RTSP/1.0 over one TCP connection (RFC 2326 §10.12): responses and requests interleaved with
 * `$`-framed RTP/RTCP packets. Pure: bytes in, messages out; building requests is text out.
 * Everything from the camera is hostile until parsed: bounded header and body sizes, and a
 * reply that is not RTSP is an error, not a hang.
 */

export interface RtspResponse {
  kind: 'response';
  status: number;
  reason: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
}

/** A request from the camera (some send GET_PARAMETER or ANNOUNCE); answered or ignored by the client. */
export interface RtspServerRequest {
  kind: 'request';
  method: string;
  headers: Map<string, string>;
}

export interface Interleaved {
  kind: 'interleaved';
  channel: number;
  data: Buffer;
}

export type RtspItem = RtspResponse | RtspServerRequest | Interleaved;

export class RtspProtocolError extends Error {}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 1024 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Cuts a TCP byte stream into RTSP messages and interleaved packets. Pushes of any size. */
export class RtspReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RtspItem[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: RtspItem[] = [];
    let at = 0;
    const b = this.buf;
    while (at < b.length) {
      if (b[at] === 0x24) {
        if (b.length - at < 4) break;
        const len = b.readUInt16BE(at + 2);
        if (b.length - at < 4 + len) break;
        out.push({ kind: 'interleaved', channel: b[at + 1] as number, data: b.subarray(at + 4, at + 4 + len) });
        at += 4 + len;
        continue;
      }
      const end = b.indexOf(CRLFCRLF, at);
      if (end < 0) {
        if (b.length - at > MAX_HEAD) throw new RtspProtocolError('the camera sent a header section over 64 KiB');
        // Fail fast on bytes that cannot start an RTSP message (an HTTP server, garbage).
        checkStart(b.subarray(at, Math.min(b.length, at + 16)));
        break;
      }
      if (end - at > MAX_HEAD) throw new RtspProtocolError('the camera sent a header section over 64 KiB');
      const head = b.subarray(at, end).toString('latin1');
      const lines = head.split('\r\n');
      const first = lines[0] ?? '';
      const headers = parseHeaders(lines.slice(1));
      const len = Number(headers.get('content-length') ?? '0');
      if (!Number.isInteger(len) || len < 0 || len > MAX_BODY)
        throw new RtspProtocolError(`bad Content-Length ${headers.get('content-length')}`);
      if (b.length - (end + 4) < len) break;
      const body = Buffer.from(b.subarray(end + 4, end + 4 + len));
      at = end + 4 + len;
      const status = /^RTSP\/1\.\d (\d{3}) ?(.*)$/.exec(first);
      if (status) {
        out.push({ kind: 'response', status: Number(status[1]), reason: status[2] ?? '', headers, body });
        continue;
      }
      const req = /^([A-Z_]+) \S+ RTSP\/1\.\d$/.exec(first);
      if (req) {
        out.push({ kind: 'request', method: req[1] as string, headers });
        continue;
      }
      throw new RtspProtocolError(`not an RTSP reply: ${JSON.stringify(first.slice(0, 80))}`);
    }
    this.buf = at >= b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(at));
    return out;
  }
}

function checkStart(head: Buffer): void {
  const s = head.toString('latin1');
  const okPrefix = (p: string) => (s.length >= p.length ? s.startsWith(p) : p.startsWith(s));
  if (okPrefix('RTSP/') || /^[A-Z_]*$/.test(s) || /^[A-Z_]+ /.test(s)) return;
  throw new RtspProtocolError(`not an RTSP reply: ${JSON.stringify(s)}`);
}

function parseHeaders(lines: string[]): Map<string, string> {
  const h = new Map<string, string>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    h.set(name, h.has(name) ? `${h.get(name)}, ${value}` : value);
  }
  return h;
}

/** One request as bytes. Header values must not contain line breaks (checked). */
export function buildRequest(method: string, url: string, cseq: number, headers: Record<string, string | undefined>): Buffer {
  const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${cseq}`, 'User-Agent: sharpeyes-gateway'];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (/[\r\n]/.test(v)) throw new Error(`RTSP header ${k} contains a line break`);
    lines.push(`${k}: ${v}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Session id and timeout (s) from a Session header: "12345678;timeout=60". */
export function parseSession(value: string | undefined): { id: string; timeoutS: number } | undefined {
  if (!value) return undefined;
  const [id, ...params] = value.split(';').map((s) => s.trim());
  if (!id) return undefined;
  const t = params.map((p) => /^timeout=(\d+)$/i.exec(p)?.[1]).find(Boolean);
  const timeoutS = t ? Math.max(5, Math.min(3600, Number(t))) : 60;
  return { id, timeoutS };
}

/** The URL without its user info, and the user info (decoded). */
export function splitCredentials(url: string): { url: string; username?: string; password?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RtspProtocolError('not a valid RTSP URL');
  }
  if (!/^rtsps?:$/i.test(u.protocol)) throw new RtspProtocolError(`not an rtsp:// or rtsps:// URL (${u.protocol})`);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.username = '';
  u.password = '';
  return { url: u.toString(), username, password };
}
