/**
 * HTTP Digest authentication (RFC 7616, and RFC 2617's MD5 that most cameras speak): parsing a
 * server's WWW-Authenticate challenges and answering one. Pure, no I/O. ONVIF cameras guard their
 * snapshot URIs with it (the SOAP calls use WS-Security instead).
 */
import { createHash } from 'node:crypto';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * The challenges of a WWW-Authenticate value (several may share one header, as fetch joins them):
 * `Digest realm="a", nonce="b", qop="auth", Basic realm="c"`. Scheme names are lower-cased.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = [];
  let i = 0;
  const s = header;
  const skip = (re: RegExp) => {
    while (i < s.length && re.test(s[i] as string)) i++;
  };
  while (i < s.length) {
    skip(/[\s,]/);
    const start = i;
    skip(/[^\s,=]/);
    const token = s.slice(start, i);
    if (!token) break;
    skip(/[ \t]/);
    if (s[i] === '=') {
      // A parameter of the current challenge.
      i++;
      skip(/[ \t]/);
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i];
          i++;
        }
        i++;
      } else {
        const v0 = i;
        skip(/[^\s,]/);
        value = s.slice(v0, i);
      }
      const current = out[out.length - 1];
      if (current) current.params[token.toLowerCase()] = value;
    } else {
      out.push({ scheme: token.toLowerCase(), params: {} });
    }
  }
  return out;
}

const HASHES: Record<string, 'md5' | 'sha256'> = { md5: 'md5', 'md5-sess': 'md5', 'sha-256': 'sha256', 'sha-256-sess': 'sha256' };

/** The Digest challenge to answer: SHA-256 before MD5, only algorithms and qop values we can do. */
export function pickDigest(challenges: readonly Challenge[]): Challenge | undefined {
  const usable = challenges.filter((c) => {
    if (c.scheme !== 'digest' || !c.params.nonce || c.params.realm === undefined) return false;
    if (!(c.params.algorithm ?? 'MD5').toLowerCase().match(/^(md5|sha-256)(-sess)?$/)) return false;
    const qop = c.params.qop;
    return qop === undefined || qop.split(',').some((q) => q.trim().toLowerCase() === 'auth');
  });
  return usable.sort((a, b) => strength(b) - strength(a))[0];
}

const strength = (c: Challenge) => ((c.params.algorithm ?? 'MD5').toLowerCase().startsWith('sha-256') ? 1 : 0);

export interface DigestRequest {
  username: string;
  password: string;
  method: string;
  /** The request target as sent (path and query). */
  uri: string;
  cnonce: string;
  /** Request count for this nonce, from 1. */
  nc: number;
}

/** The Authorization header value answering `challenge` (qop=auth when offered, else RFC 2069). */
export function digestAuthorization(challenge: Challenge, req: DigestRequest): string {
  const p = challenge.params;
  const algorithm = (p.algorithm ?? 'MD5').toLowerCase();
  const hashName = HASHES[algorithm];
  if (!hashName) throw new Error(`unsupported digest algorithm ${p.algorithm}`);
  const h = (v: string) => createHash(hashName).update(v, 'utf8').digest('hex');
  const nonce = p.nonce ?? '';
  const realm = p.realm ?? '';
  const nc = req.nc.toString(16).padStart(8, '0');
  let ha1 = h(`${req.username}:${realm}:${req.password}`);
  if (algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${nonce}:${req.cnonce}`);
  const ha2 = h(`${req.method}:${req.uri}`);
  const qop = p.qop !== undefined ? 'auth' : undefined;
  const response = qop ? h(`${ha1}:${nonce}:${nc}:${req.cnonce}:${qop}:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);
  const q = (v: string) => `"${v.replace(/(["\\])/g, '\\$1')}"`;
  const parts = [`username=${q(req.username)}`, `realm=${q(realm)}`, `nonce=${q(nonce)}`, `uri=${q(req.uri)}`, `response=${q(response)}`];
  if (p.algorithm) parts.push(`algorithm=${p.algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${q(req.cnonce)}`);
  if (p.opaque !== undefined) parts.push(`opaque=${q(p.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}
