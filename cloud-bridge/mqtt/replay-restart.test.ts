import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootRequestNode } from '../testing/request-node.js';

/**
 * A state-changing request captured on the wire is refused when sent again, also after the daemon
 * restarted within cloud.requestMaxAgeS (the nonces persist in <dataDir>/request-nonces.jsonl),
 * over the embedded broker as the platform sends it. Reads keep working without ts and nonce.
 */
describe('replays across a restart (embedded broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-replay-restart-'));
  const added: string[] = [];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const boot = () => bootRequestNode(dir, added);

  it('refuses the captured request after a restart, a timestamp without a zone, and one without ts/nonce; reads need neither', async () => {
    const captured = { transaction: 'add-1', input: { plate: '粤B12445' }, ts: new Date().toISOString(), nonce: 'c0ffee-0001' };
    const topic = 'sharpeyes/gw-r/from/platform/request/vehicles/add';
    const first = await boot();
    try {
      expect(await first.send(topic, captured)).toMatchObject({ status: 'ok' });
      expect(await first.send(topic, captured)).toMatchObject({ status: 'error', code: 'replayed' });
    } finally {
      await first.stop();
    }
    const second = await boot();
    try {
      expect(await second.send(topic, captured)).toMatchObject({ status: 'error', code: 'replayed' });
      // The legacy topic is the platform's too: same nonce, same refusal.
      expect(await second.send('sharpeyes/gw-r/request/vehicles/add', captured)).toMatchObject({ status: 'error', code: 'replayed' });
      const local = new Date(Date.now() + 8 * 3600_000).toISOString().replace('Z', '');
      expect(
        await second.send(topic, { transaction: 'add-2', input: { plate: '粤B12446' }, ts: local, nonce: 'c0ffee-0002' }),
      ).toMatchObject({ status: 'error', code: 'stale', error: expect.stringContaining('with a zone') });
      expect(await second.send(topic, { transaction: 'add-3', input: { plate: '粤B12447' } })).toMatchObject({
        status: 'error',
        code: 'stale',
      });
      expect(await second.send('sharpeyes/gw-r/request/ping', { transaction: 'ping-1' })).toMatchObject({ status: 'ok' });
      expect(added).toEqual(['粤B12445']);
    } finally {
      await second.stop();
    }
  });
});
