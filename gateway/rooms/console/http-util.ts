import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleErrorCode } from '../../core/error-codes.js';
import { redactValue } from '../../core/redact.js';
import { forwardedClient } from './security/forwarded.js';

/** Error codes of the console's API: the action table's and its own, all in core/error-codes.ts. */
export type { ConsoleErrorCode };

/** Small helpers for the console's HTTP handling. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: ConsoleErrorCode = status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'bad_request',
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cache-control': 'no-store',
};

/** Sends JSON with secrets redacted (credentials in URLs, secret-looking keys): nothing the console answers carries one. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(redactValue(body, { byKey: true }));
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendBytes(res: ServerResponse, type: string, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(200, { ...SECURITY_HEADERS, ...headers, 'content-type': type, 'content-length': body.length });
  res.end(body);
}

/** Reads a request body up to `limit` bytes; larger bodies are refused with 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, `body of ${declared} bytes is larger than the ${limit} bytes allowed`, 'too_large'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new HttpError(413, `body larger than the ${limit} bytes allowed`, 'too_large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A client that hangs up mid-body is its own fault: a 400 nobody reads, not a server error.
    req.on('error', (err) => reject(new HttpError(400, `the request body was cut off (${err.message})`)));
  });
}

/** A JSON body (`{}` when empty); 415 unless sent as application/json, 400 if not JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) throw new HttpError(415, 'send the request body as application/json', 'bad_request');
  const body = await readBody(req, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not JSON', 'bad_request');
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !(k in out)) out[k] = v;
  }
  return out;
}

/** A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS; maxAgeS 0 clears it. */
export function cookie(name: string, value: string, opts: { maxAgeS?: number; secure?: boolean } = {}): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(opts.maxAgeS !== undefined ? [`Max-Age=${opts.maxAgeS}`] : []),
    ...(opts.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Whether the browser reached the console over HTTPS (a TLS proxy in front says so). */
export function viaHttps(req: IncomingMessage): boolean {
  return req.headers['x-forwarded-proto'] === 'https';
}

/**
 * A URL path with its percent-escapes decoded: the one place the console decodes a path. Broken
 * escapes (`/%`, `/%zz`, a lone `%e4`, a decoded NUL) are the client's error: 400 with what is wrong.
 */
export function decodePath(path: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw new HttpError(
      400,
      `the path ${JSON.stringify(path.slice(0, 200))} has a broken percent-escape (% must be followed by two hex digits of UTF-8)`,
    );
  }
  if (decoded.includes('\0')) throw new HttpError(400, 'the path contains a NUL character');
  return decoded;
}

/** The client's address: the peer, or behind a trusted proxy the address it forwarded for (security/forwarded.ts). */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[] = []): string {
  return forwardedClient(req.socket.remoteAddress ?? 'unknown', req.headers['x-forwarded-for'], trustedProxies);
}

export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\./.test(address);
}
