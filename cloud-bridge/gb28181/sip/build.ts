/**
 * Building requests and responses (RFC 3261 §8.1.1, §8.2.6): branch, tag and Call-ID
 * generation, and the headers a response copies from its request. Pure apart from randomness.
 */
import { randomBytes } from 'node:crypto';
import { header, headerValues, type SipHeader, type SipRequest, type SipResponse } from './message.js';
import { tagOf } from './headers.js';

export const BRANCH_MAGIC = 'z9hG4bK';
export const newBranch = (): string => `${BRANCH_MAGIC}${randomBytes(8).toString('hex')}`;
export const newTag = (): string => randomBytes(6).toString('hex');
export const newCallId = (host: string): string => `${randomBytes(10).toString('hex')}@${host}`;

export interface RequestSpec {
  method: string;
  uri: string;
  /** Our address for Via: transport, host, port. */
  via: { protocol: 'UDP' | 'TCP'; host: string; port: number };
  from: string;
  to: string;
  callId: string;
  cseq: number;
  contact?: string;
  headers?: SipHeader[];
  contentType?: string;
  body?: Buffer;
  userAgent: string;
}

export function makeRequest(s: RequestSpec): SipRequest {
  const hostPort = s.via.host.includes(':') ? `[${s.via.host}]:${s.via.port}` : `${s.via.host}:${s.via.port}`;
  const headers: SipHeader[] = [
    { name: 'Via', value: `SIP/2.0/${s.via.protocol} ${hostPort};rport;branch=${newBranch()}` },
    { name: 'From', value: s.from },
    { name: 'To', value: s.to },
    { name: 'Call-ID', value: s.callId },
    { name: 'CSeq', value: `${s.cseq} ${s.method}` },
    { name: 'Max-Forwards', value: '70' },
  ];
  if (s.contact) headers.push({ name: 'Contact', value: s.contact });
  headers.push(...(s.headers ?? []), { name: 'User-Agent', value: s.userAgent });
  if (s.contentType) headers.push({ name: 'Content-Type', value: s.contentType });
  return { kind: 'request', method: s.method, uri: s.uri, headers, body: s.body ?? Buffer.alloc(0) };
}

export const REASONS: Record<number, string> = {
  100: 'Trying',
  200: 'OK',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
};

/** A response to `req`: Via, From, To (with `toTag` added when it has none), Call-ID, CSeq copied. */
export function makeResponse(
  req: SipRequest,
  status: number,
  opts: { toTag?: string; headers?: SipHeader[]; contentType?: string; body?: Buffer; reason?: string; userAgent?: string } = {},
): SipResponse {
  const headers: SipHeader[] = headerValues(req, 'Via').map((v) => ({ name: 'Via', value: v }));
  headers.push({ name: 'From', value: header(req, 'From') as string });
  const to = header(req, 'To') as string;
  headers.push({ name: 'To', value: opts.toTag && status > 100 && !tagOf(to) ? `${to};tag=${opts.toTag}` : to });
  headers.push({ name: 'Call-ID', value: header(req, 'Call-ID') as string }, { name: 'CSeq', value: header(req, 'CSeq') as string });
  headers.push(...(opts.headers ?? []));
  if (opts.userAgent) headers.push({ name: 'User-Agent', value: opts.userAgent });
  if (opts.contentType) headers.push({ name: 'Content-Type', value: opts.contentType });
  return { kind: 'response', status, reason: opts.reason ?? REASONS[status] ?? 'Unknown', headers, body: opts.body ?? Buffer.alloc(0) };
}
