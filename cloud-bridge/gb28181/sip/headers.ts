/**
 * Structured SIP header values (RFC 3261 §20, §25): Via, name-addr (From/To/Contact), SIP
 * URIs and ;params. Pure; malformed values throw SipParseError.
 */
import { SipParseError } from './message.js';

export type Params = Map<string, string | true>;

/** `;a=1;b;c="x"` → Map. Names are lower-cased. */
export function parseParams(s: string): Params {
  const params: Params = new Map();
  for (const part of splitOutsideQuotes(s, ';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(p.toLowerCase(), true);
    else params.set(p.slice(0, eq).trim().toLowerCase(), unquote(p.slice(eq + 1).trim()));
  }
  return params;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\' && quoted) {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === sep && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quoted) throw new SipParseError('unterminated quoted string');
  out.push(cur);
  return out;
}

export function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  return v;
}

export function quote(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export interface Via {
  transport: string;
  host: string;
  port: number | undefined;
  params: Params;
}

export function parseVia(v: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(;.*)?$/.exec(v.trim());
  if (!m) throw new SipParseError(`bad Via "${v.slice(0, 60)}"`);
  const { host, port } = parseHostPort(m[2] as string);
  return { transport: (m[1] as string).toUpperCase(), host, port, params: parseParams(m[3] ?? '') };
}

export function parseHostPort(s: string): { host: string; port: number | undefined } {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw new SipParseError(`bad host "${s.slice(0, 60)}"`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new SipParseError(`bad port ${port}`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | undefined;
  host: string;
  port: number | undefined;
  params: Params;
}

export function parseUri(s: string): SipUri {
  const m = /^(sips?):(?:([^@;?]+)@)?([^;?]+)(;[^?]*)?(\?.*)?$/i.exec(s.trim());
  if (!m) throw new SipParseError(`bad SIP URI "${s.slice(0, 60)}"`);
  const userInfo = m[2];
  const user = userInfo === undefined ? undefined : decodeURIComponentSafe((userInfo.split(':')[0] ?? '').trim());
  const { host, port } = parseHostPort(m[3] as string);
  return { scheme: (m[1] as string).toLowerCase() as 'sip' | 'sips', user, host, port, params: parseParams(m[4] ?? '') };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new SipParseError(`bad escape in URI user "${s.slice(0, 40)}"`);
  }
}

export interface NameAddr {
  display: string | undefined;
  uri: string;
  params: Params;
}

/** `"Name" <sip:u@h>;tag=x` or `sip:u@h;tag=x` (then the ;params are the header's). */
export function parseNameAddr(v: string): NameAddr {
  const s = v.trim();
  const lt = s.indexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new SipParseError(`unterminated <> in "${s.slice(0, 60)}"`);
    const display = s.slice(0, lt).trim();
    return { display: display ? unquote(display) : undefined, uri: s.slice(lt + 1, gt).trim(), params: parseParams(s.slice(gt + 1)) };
  }
  const semi = s.indexOf(';');
  const uri = semi < 0 ? s : s.slice(0, semi);
  if (!/^sips?:/i.test(uri)) throw new SipParseError(`bad address "${s.slice(0, 60)}"`);
  return { display: undefined, uri, params: parseParams(semi < 0 ? '' : s.slice(semi)) };
}

export function tagOf(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = parseNameAddr(v).params.get('tag');
  return typeof t === 'string' ? t : undefined;
}

/** The branch of the top Via, if it is an RFC 3261 one. */
export function branchOf(via: string | undefined): string | undefined {
  if (!via) return undefined;
  const b = parseVia(via).params.get('branch');
  return typeof b === 'string' ? b : undefined;
}
