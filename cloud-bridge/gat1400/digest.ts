import { createHash } from 'node:crypto';

/**
 * HTTP Digest authentication, client side (RFC 2617 / RFC 7616 with MD5), as GA/T 1400.4
 * platforms ask for it on /VIID/System/Register: the first request without credentials gets
 * 401 with `WWW-Authenticate: Digest realm=..., nonce=..., qop="auth"`; the retry carries
 * `Authorization: Digest ...`. Pure: the client nonce is passed in.
 */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** The qop we will answer with: 'auth' when offered, undefined for the RFC 2069 form. */
  qop: 'auth' | undefined;
  opaque: string | undefined;
  algorithm: 'MD5' | 'MD5-sess';
  stale: boolean;
}

const PARAM = /([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;

/** The Digest challenge of a WWW-Authenticate header (one value or several), or undefined. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    const m = /^\s*Digest\s+/i.exec(value);
    if (!m) continue;
    const params = new Map<string, string>();
    for (const p of value.slice(m[0].length).matchAll(PARAM)) {
      params.set((p[1] as string).toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? ''));
    }
    const realm = params.get('realm');
    const nonce = params.get('nonce');
    if (realm === undefined || !nonce) continue;
    const algorithm = (params.get('algorithm') ?? 'MD5').toUpperCase();
    if (algorithm !== 'MD5' && algorithm !== 'MD5-SESS') continue;
    const qops = params.has('qop') ? (params.get('qop') as string).split(',').map((q) => q.trim().toLowerCase()) : [];
    if (qops.length > 0 && !qops.includes('auth')) continue; // auth-int only: not supported
    return {
      realm,
      nonce,
      qop: qops.includes('auth') ? 'auth' : undefined,
      opaque: params.get('opaque'),
      algorithm: algorithm === 'MD5' ? 'MD5' : 'MD5-sess',
      stale: params.get('stale')?.toLowerCase() === 'true',
    };
  }
  return undefined;
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** The `response` value of RFC 2617 §3.2.2.1. */
export function digestResponse(o: {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  uri: string;
  cnonce: string;
  nc: number;
}): string {
  const { challenge: c } = o;
  const nc = ncHex(o.nc);
  let ha1 = md5(`${o.username}:${c.realm}:${o.password}`);
  if (c.algorithm === 'MD5-sess') ha1 = md5(`${ha1}:${c.nonce}:${o.cnonce}`);
  const ha2 = md5(`${o.method.toUpperCase()}:${o.uri}`);
  return c.qop ? md5(`${ha1}:${c.nonce}:${nc}:${o.cnonce}:${c.qop}:${ha2}`) : md5(`${ha1}:${c.nonce}:${ha2}`);
}

/** The `Authorization` header value answering `challenge` for one request. */
export function digestAuthorization(o: Parameters<typeof digestResponse>[0]): string {
  const c = o.challenge;
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [
    `username=${q(o.username)}`,
    `realm=${q(c.realm)}`,
    `nonce=${q(c.nonce)}`,
    `uri=${q(o.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${q(digestResponse(o))}`,
  ];
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${ncHex(o.nc)}`, `cnonce=${q(o.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${q(c.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

function ncHex(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}
