/**
 * Fetching a camera's JPEG snapshot URI (ONVIF GetSnapshotUri) the way cameras guard it: HTTP
 * Digest (most), Basic (some, only asked for when the camera offers it), or nothing. The body is
 * read with a size cap and must be a JPEG; every failure is a SnapshotError with a reason.
 */
import { randomBytes } from 'node:crypto';
import { digestAuthorization, parseChallenges, pickDigest } from './http-digest.js';
import { errMessage } from '../../core/errors.js';

export type SnapshotFailure = 'bad-uri' | 'unauthorized' | 'http' | 'too-large' | 'not-jpeg' | 'timeout' | 'network';

export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly reason: SnapshotFailure,
  ) {
    super(message);
  }
}

export interface SnapshotOptions {
  username?: string;
  password?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export async function fetchSnapshot(uri: string, opts: SnapshotOptions = {}): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new SnapshotError(`snapshot URI is not a URL: ${uri.slice(0, 200)}`, 'bad-uri');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SnapshotError(`snapshot URI must be http(s), got ${url.protocol}`, 'bad-uri');
  // Credentials in the URI (some cameras put them there) are used when none are configured; fetch refuses them in the URL.
  const username = opts.username || decodeURIComponent(url.username);
  const password = opts.password ?? decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const signal = AbortSignal.timeout(timeoutMs);
  const maxBytes = opts.maxBytes ?? 16 * 1024 * 1024;
  const get = (authorization?: string) => fetch(url, { signal, headers: authorization ? { authorization } : {} });
  try {
    let res = await get();
    if (res.status === 401 && username) {
      await res.body?.cancel();
      const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '');
      const digest = pickDigest(challenges);
      const target = `${url.pathname}${url.search}`;
      if (digest)
        res = await get(
          digestAuthorization(digest, { username, password, method: 'GET', uri: target, cnonce: randomBytes(12).toString('hex'), nc: 1 }),
        );
      else if (challenges.some((c) => c.scheme === 'basic'))
        res = await get(`Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new SnapshotError(`camera refused the snapshot credentials (HTTP ${res.status})`, 'unauthorized');
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new SnapshotError(`snapshot URI answered HTTP ${res.status}`, 'http');
    }
    const jpeg = await readCapped(res, maxBytes);
    if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8)
      throw new SnapshotError(
        `snapshot URI gave no JPEG (${res.headers.get('content-type') ?? 'no content type'}, ${jpeg.length} bytes)`,
        'not-jpeg',
      );
    return jpeg;
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      throw new SnapshotError(`snapshot URI did not answer within ${timeoutMs} ms`, 'timeout');
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    throw new SnapshotError(`snapshot URI failed: ${errMessage(cause)}`, 'network');
  }
}

/** The body, refused as soon as it passes `maxBytes` (a camera streaming without end). */
async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new SnapshotError(`snapshot is ${declared} bytes, over the ${maxBytes}-byte limit`, 'too-large');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    // Leaving the loop by throwing cancels the stream.
    if (size > maxBytes) throw new SnapshotError(`snapshot passed the ${maxBytes}-byte limit`, 'too-large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
