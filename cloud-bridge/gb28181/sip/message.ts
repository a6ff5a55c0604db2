/**
 * SIP messages (RFC 3261 §7): parse and serialise, pure. Parsing is strict about structure and
 * bounded in size, so a malformed or hostile datagram gives one SipParseError with a readable
 * reason and nothing else happens. Bodies stay bytes: their charset (GB2312 or UTF-8) is the
 * MANSCDP layer's business.
 */

export interface SipHeader {
  /** Canonical name ("Via", "Call-ID", ...): compact forms are expanded. */
  name: string;
  value: string;
}

interface Base {
  headers: SipHeader[];
  body: Buffer;
}
export interface SipRequest extends Base {
  kind: 'request';
  method: string;
  uri: string;
}
export interface SipResponse extends Base {
  kind: 'response';
  status: number;
  reason: string;
}
export type SipMessage = SipRequest | SipResponse;

export class SipParseError extends Error {
  override name = 'SipParseError';
}

export const SIP_LIMITS = {
  /** Whole message (a UDP datagram cannot be larger; TCP messages are cut at this). */
  maxMessageBytes: 65_535,
  maxHeaderBytes: 16_384,
  maxHeaders: 100,
  maxBodyBytes: 49_152,
};

const COMPACT: Record<string, string> = {
  v: 'Via',
  f: 'From',
  t: 'To',
  i: 'Call-ID',
  m: 'Contact',
  l: 'Content-Length',
  c: 'Content-Type',
  k: 'Supported',
  s: 'Subject',
  e: 'Content-Encoding',
};
const CANONICAL = new Map(
  [
    'Via',
    'From',
    'To',
    'Call-ID',
    'CSeq',
    'Contact',
    'Content-Length',
    'Content-Type',
    'Max-Forwards',
    'Expires',
    'WWW-Authenticate',
    'Authorization',
    'Proxy-Authenticate',
    'Proxy-Authorization',
    'User-Agent',
    'Subject',
    'Allow',
    'Supported',
    'Date',
    'Record-Route',
    'Route',
    'Content-Encoding',
  ].map((n) => [n.toLowerCase(), n]),
);

export function canonicalName(raw: string): string {
  const lower = raw.toLowerCase();
  return COMPACT[lower] ?? CANONICAL.get(lower) ?? raw;
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const HEADER_NAME = TOKEN;

/** Index of the blank line ending the head (CRLFCRLF, or LFLF from lenient peers), or -1. */
export function headEnd(buf: Buffer, from = 0): { at: number; sepLen: number } | undefined {
  for (let i = from; i < buf.length - 1; i++) {
    if (buf[i] === 0x0a) {
      if (buf[i + 1] === 0x0a) return { at: i - (buf[i - 1] === 0x0d ? 1 : 0), sepLen: buf[i - 1] === 0x0d ? 3 : 2 };
      if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return { at: i - (buf[i - 1] === 0x0d ? 1 : 0), sepLen: buf[i - 1] === 0x0d ? 4 : 3 };
    }
  }
  return undefined;
}

/**
 * Parses one whole message (a UDP datagram, or what the TCP framer cut). A body longer than
 * Content-Length is cut to it (RFC 3261 §18.3); a shorter one is an error.
 */
export function parseMessage(buf: Buffer): SipMessage {
  if (buf.length > SIP_LIMITS.maxMessageBytes)
    throw new SipParseError(`message of ${buf.length} bytes exceeds ${SIP_LIMITS.maxMessageBytes}`);
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++; // keep-alive CRLFs before a message
  const end = headEnd(buf, start);
  if (!end)
    throw new SipParseError(
      buf.length - start > SIP_LIMITS.maxHeaderBytes ? 'header section too large' : 'no blank line after the headers',
    );
  if (end.at - start > SIP_LIMITS.maxHeaderBytes)
    throw new SipParseError(`header section of ${end.at - start} bytes exceeds ${SIP_LIMITS.maxHeaderBytes}`);
  const head = buf.subarray(start, end.at);
  for (const b of head) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) || b === 0x7f)
      throw new SipParseError('control character in the header section');
  }
  const lines = head.toString('utf8').split(/\r?\n/);
  const startLine = lines.shift() ?? '';
  const headers = parseHeaderLines(lines);
  const bodyStart = end.at + end.sepLen;
  const available = buf.length - bodyStart;
  const clValues = headers.filter((h) => h.name === 'Content-Length');
  let length = available;
  if (clValues.length > 1 && new Set(clValues.map((h) => h.value.trim())).size > 1)
    throw new SipParseError('conflicting Content-Length headers');
  if (clValues[0]) {
    length = parseContentLength(clValues[0].value);
    if (length > available) throw new SipParseError(`Content-Length ${length} but only ${available} body bytes`);
  }
  if (length > SIP_LIMITS.maxBodyBytes) throw new SipParseError(`body of ${length} bytes exceeds ${SIP_LIMITS.maxBodyBytes}`);
  const body = Buffer.from(buf.subarray(bodyStart, bodyStart + length));
  const msg = parseStartLine(startLine, headers, body);
  checkMandatory(msg);
  return msg;
}

export function parseContentLength(v: string): number {
  const t = v.trim();
  if (!/^\d{1,9}$/.test(t)) throw new SipParseError(`bad Content-Length "${t.slice(0, 20)}"`);
  return Number(t);
}

function parseHeaderLines(lines: string[]): SipHeader[] {
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // RFC 3261 §7.3.1 folding: a continuation of the previous header's value.
      const prev = headers.at(-1);
      if (!prev) throw new SipParseError('continuation line before any header');
      prev.value = `${prev.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`malformed header line "${line.slice(0, 40)}"`);
    const rawName = line.slice(0, colon).trim();
    if (!HEADER_NAME.test(rawName)) throw new SipParseError(`bad header name "${rawName.slice(0, 40)}"`);
    headers.push({ name: canonicalName(rawName), value: line.slice(colon + 1).trim() });
    if (headers.length > SIP_LIMITS.maxHeaders) throw new SipParseError(`more than ${SIP_LIMITS.maxHeaders} headers`);
  }
  return headers;
}

function parseStartLine(line: string, headers: SipHeader[], body: Buffer): SipMessage {
  if (line.startsWith('SIP/')) {
    const m = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/.exec(line);
    if (!m) throw new SipParseError(`bad status line "${line.slice(0, 60)}"`);
    return { kind: 'response', status: Number(m[1]), reason: m[2] ?? '', headers, body };
  }
  const m = /^([A-Za-z0-9.!%*_+`'~-]+) (\S+) SIP\/2\.0$/.exec(line);
  if (!m) throw new SipParseError(`bad request line "${line.slice(0, 60)}"`);
  const uri = m[2] as string;
  if (!/^sips?:/i.test(uri)) throw new SipParseError(`request URI is not a sip: URI "${uri.slice(0, 60)}"`);
  return { kind: 'request', method: (m[1] as string).toUpperCase(), uri, headers, body };
}

function checkMandatory(msg: SipMessage): void {
  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    if (!msg.headers.some((h) => h.name === name)) throw new SipParseError(`missing ${name} header`);
  }
  const cseq = parseCSeq(header(msg, 'CSeq') as string);
  if (msg.kind === 'request' && cseq.method !== msg.method)
    throw new SipParseError(`CSeq method ${cseq.method} does not match ${msg.method}`);
}

/** The first value of a header (case-insensitive, compact forms expanded), or undefined. */
export function header(msg: Pick<SipMessage, 'headers'>, name: string): string | undefined {
  const n = canonicalName(name);
  return msg.headers.find((h) => h.name === n)?.value;
}

/** Every value of a header, comma-separated values split (outside quotes and <>). */
export function headerValues(msg: Pick<SipMessage, 'headers'>, name: string): string[] {
  const n = canonicalName(name);
  return msg.headers.filter((h) => h.name === n).flatMap((h) => splitCommas(h.value));
}

export function splitCommas(v: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = false;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i] as string;
    if (ch === '\\' && quoted) {
      cur += ch + (v[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle = true;
    else if (!quoted && ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export interface CSeq {
  seq: number;
  method: string;
}
export function parseCSeq(v: string): CSeq {
  const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(v.trim());
  if (!m || Number(m[1]) > 2 ** 31 - 1) throw new SipParseError(`bad CSeq "${v.slice(0, 40)}"`);
  return { seq: Number(m[1]), method: (m[2] as string).toUpperCase() };
}

/** Serialises a message; Content-Length is always written from the body (any given one is dropped). */
export function serialise(msg: SipMessage): Buffer {
  const startLine = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [startLine];
  for (const h of msg.headers) {
    if (h.name === 'Content-Length') continue;
    if (/[\r\n]/.test(h.value) || /[\r\n:]/.test(h.name)) throw new Error(`header ${h.name} holds a line break`);
    lines.push(`${h.name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${msg.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), msg.body]);
}

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}
