/**
 * HTTP Digest for SIP (RFC 3261 §22.4, RFC 2617): the answer to a 401/407 challenge. MD5, with
 * qop=auth or without qop (the RFC 2069 form many GB/T 28181 platforms still send). Pure apart
 * from the cnonce, which the caller may pass for tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { splitCommas, SipParseError } from './message.js';
import { quote, unquote } from './headers.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | undefined;
  algorithm: string;
  /** qop options offered ("auth", "auth-int"). */
  qop: string[];
  stale: boolean;
}

export function parseChallenge(value: string): DigestChallenge {
  const m = /^Digest\s+(.*)$/is.exec(value.trim());
  if (!m) throw new SipParseError(`not a Digest challenge: "${value.slice(0, 40)}"`);
  const p = new Map<string, string>();
  for (const part of splitCommas(m[1] as string)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    p.set(part.slice(0, eq).trim().toLowerCase(), unquote(part.slice(eq + 1).trim()));
  }
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || !nonce) throw new SipParseError('Digest challenge without realm or nonce');
  return {
    realm,
    nonce,
    opaque: p.get('opaque'),
    algorithm: p.get('algorithm') ?? 'MD5',
    qop: (p.get('qop') ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    stale: (p.get('stale') ?? '').toLowerCase() === 'true',
  };
}

const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export interface DigestAnswer {
  username: string;
  password: string;
  method: string;
  uri: string;
  /** Nonce count for qop=auth (1 for the first use of a nonce). */
  nc?: number;
  cnonce?: string;
}

export class DigestError extends Error {
  override name = 'DigestError';
}

/** The Authorization header value answering `ch`. Refuses what it cannot do (auth-int only, not MD5). */
export function authorization(ch: DigestChallenge, a: DigestAnswer): string {
  if (ch.algorithm.toUpperCase() !== 'MD5') throw new DigestError(`unsupported digest algorithm ${ch.algorithm} (only MD5)`);
  const useQop = ch.qop.length === 0 ? undefined : ch.qop.includes('auth') ? 'auth' : undefined;
  if (ch.qop.length > 0 && !useQop) throw new DigestError(`unsupported qop ${ch.qop.join(',')} (only auth)`);
  const ha1 = md5(`${a.username}:${ch.realm}:${a.password}`);
  const ha2 = md5(`${a.method}:${a.uri}`);
  const nc = (a.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = a.cnonce ?? randomBytes(8).toString('hex');
  const response = useQop ? md5(`${ha1}:${ch.nonce}:${nc}:${cnonce}:${useQop}:${ha2}`) : md5(`${ha1}:${ch.nonce}:${ha2}`);
  const parts = [
    `username=${quote(a.username)}`,
    `realm=${quote(ch.realm)}`,
    `nonce=${quote(ch.nonce)}`,
    `uri=${quote(a.uri)}`,
    `response=${quote(response)}`,
    'algorithm=MD5',
  ];
  if (useQop) parts.push(`qop=${useQop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (ch.opaque !== undefined) parts.push(`opaque=${quote(ch.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
