/**
 * The simulator's snapshot URI (GET /snapshot.jpg), guarded as cameras guard it: HTTP Digest
 * (RFC 2617 MD5, qop=auth, checked here with its own code, independent of the gateway's), Basic,
 * or nothing; and misbehaving on request (an HTML page, or JPEG bytes without end).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SnapshotOptions {
  username: string | undefined;
  password: string | undefined;
  /** Default: digest when a username is set. */
  auth: 'digest' | 'basic' | 'none' | undefined;
  body: 'jpeg' | 'html' | 'endless' | undefined;
  nonce: string;
}

export function serveSnapshot(req: IncomingMessage, res: ServerResponse, opts: SnapshotOptions): void {
  const auth = opts.username ? (opts.auth ?? 'digest') : 'none';
  const given = req.headers.authorization ?? '';
  const user = opts.username ?? '';
  const pass = opts.password ?? '';
  const allowed =
    auth === 'none' ||
    (auth === 'basic' && given === `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`) ||
    (auth === 'digest' && verifyDigest(given, { user, pass, realm: SNAPSHOT_REALM, nonce: opts.nonce, method: req.method ?? 'GET' }));
  if (!allowed) {
    const challenge =
      auth === 'basic'
        ? `Basic realm="${SNAPSHOT_REALM}"`
        : `Digest realm="${SNAPSHOT_REALM}", qop="auth", nonce="${opts.nonce}", opaque="sim"`;
    res.writeHead(401, { 'www-authenticate': challenge }).end();
    return;
  }
  const mode = opts.body ?? 'jpeg';
  if (mode === 'html') {
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Login required</body></html>');
    return;
  }
  res.writeHead(200, { 'content-type': 'image/jpeg' });
  if (mode === 'jpeg') {
    res.end(TINY_JPEG);
    return;
  }
  const chunk = Buffer.alloc(64 * 1024, 0xff);
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once('drain', pump);
  };
  pump();
}

const SNAPSHOT_REALM = 'sim-camera';

/** Checks an RFC 2617 Digest answer (MD5, qop=auth) the way a camera does, independently of the gateway's code. */
function verifyDigest(header: string, c: { user: string; pass: string; realm: string; nonce: string; method: string }): boolean {
  if (!header.startsWith('Digest ')) return false;
  const f: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g))
    f[m[1] as string] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  const md5 = (v: string) => createHash('md5').update(v).digest('hex');
  if (f.username !== c.user || f.realm !== c.realm || f.nonce !== c.nonce || f.qop !== 'auth' || !f.nc || !f.cnonce || !f.uri) return false;
  const ha1 = md5(`${c.user}:${c.realm}:${c.pass}`);
  const ha2 = md5(`${c.method}:${f.uri}`);
  return f.response === md5(`${ha1}:${c.nonce}:${f.nc}:${f.cnonce}:auth:${ha2}`);
}

/** A valid 1x1 grey JPEG: what GET /snapshot.jpg returns. */
const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);
