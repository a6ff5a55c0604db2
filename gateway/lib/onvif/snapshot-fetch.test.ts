import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { OnvifSimulator, type SimOptions } from '../../../scripts/onvif-sim/simulator.js';
import { fetchSnapshot, SnapshotError } from './snapshot-fetch.js';
import { errMessage } from '../../core/errors.js';

// Real peer: the project's ONVIF simulator serving /snapshot.jpg behind HTTP Digest (as most
// cameras do), Basic, or nothing; it checks Digest answers with its own MD5 code.
const sims: OnvifSimulator[] = [];
async function camera(opts: Partial<SimOptions> = {}): Promise<string> {
  const s = new OnvifSimulator({ mainStreamUri: 'rtsp://127.0.0.1:8554/main', username: 'admin', password: 'secret', ...opts });
  await s.start();
  sims.push(s);
  return `${s.base}/snapshot.jpg`;
}
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (e: unknown) => (e instanceof SnapshotError ? e.reason : `other: ${errMessage(e)}`),
  );
const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8;

describe('fetching a camera snapshot URI', () => {
  it("answers the camera's Digest challenge with its credentials", async () => {
    const uri = await camera();
    expect(isJpeg(await fetchSnapshot(uri, { username: 'admin', password: 'secret' }))).toBe(true);
    expect(await failure(fetchSnapshot(uri, { username: 'admin', password: 'wrong' }))).toBe('unauthorized');
    expect(await failure(fetchSnapshot(uri))).toBe('unauthorized');
  });

  it('uses credentials carried in the URI when none are configured', async () => {
    const uri = await camera();
    expect(isJpeg(await fetchSnapshot(uri.replace('http://', 'http://admin:secret@')))).toBe(true);
  });

  it('sends Basic only to a camera that asks for it, and fetches from an open one', async () => {
    expect(isJpeg(await fetchSnapshot(await camera({ snapshotAuth: 'basic' }), { username: 'admin', password: 'secret' }))).toBe(true);
    expect(isJpeg(await fetchSnapshot(await camera({ snapshotAuth: 'none' }), { username: 'admin', password: 'secret' }))).toBe(true);
  });

  it('refuses what is not a JPEG, a body without end, and bad URIs', async () => {
    expect(await failure(fetchSnapshot(await camera({ snapshot: 'html' }), { username: 'admin', password: 'secret' }))).toBe('not-jpeg');
    expect(
      await failure(fetchSnapshot(await camera({ snapshot: 'endless' }), { username: 'admin', password: 'secret', maxBytes: 1024 * 1024 })),
    ).toBe('too-large');
    expect(await failure(fetchSnapshot('rtsp://127.0.0.1/snap'))).toBe('bad-uri');
    expect(await failure(fetchSnapshot('not a uri'))).toBe('bad-uri');
  });

  it('reports a refused connection and a camera that never answers', async () => {
    const silent: Server = createServer(() => undefined); // accepts, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    try {
      expect(await failure(fetchSnapshot(`http://127.0.0.1:${port}/snapshot.jpg`, { timeoutMs: 300 }))).toBe('timeout');
    } finally {
      silent.close();
    }
    expect(await failure(fetchSnapshot(`http://127.0.0.1:${port}/snapshot.jpg`, { timeoutMs: 2000 }))).toBe('network');
  });
});
