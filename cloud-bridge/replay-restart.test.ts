import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startRoom, testContext, type TestContext } from '../gateway/testing/context.js';
import { CloudBridgeRoom } from './room.js';
import { readBrokerCredentials } from './broker-credentials.js';
import { EMBEDDED_BROKER_FILE } from './embedded-broker-file.js';
import { MqttConnection } from './mqtt-client.js';
import type { Response } from './payloads.js';

/**
 * A state-changing request captured on the wire is refused when sent again, also after the daemon
 * restarted within cloud.requestMaxAgeS (the nonces persist in <dataDir>/request-nonces.jsonl),
 * over the embedded broker as the platform sends it. Reads keep working without ts and nonce.
 */
describe('replays across a restart (embedded broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-replay-restart-'));
  const added: string[] = [];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function boot(): Promise<{
    ctx: TestContext;
    stop: () => Promise<void>;
    send: (topic: string, body: object) => Promise<Response>;
  }> {
    const ctx = testContext(`node:\n  id: gw-r\ncloud:\n  embeddedPort: 0\n`, { dir });
    ctx.actions.register('vehicles/add', {
      role: 'operator',
      description: 'probe',
      input: z.strictObject({ plate: z.string() }),
      handle: ({ plate }) => void added.push(plate),
    });
    const stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
    const { port } = JSON.parse(readFileSync(join(dir, EMBEDDED_BROKER_FILE), 'utf8')) as { port: number };
    const { platform } = readBrokerCredentials(dir, 'gw-r');
    const conn = await MqttConnection.open({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: `p-${Date.now()}`,
      protocolVersion: 4,
      ...platform,
    });
    const answers: Response[] = [];
    conn.onMessage((m) => answers.push(JSON.parse(m.payload.toString()) as Response));
    await conn.subscribe(['sharpeyes/gw-r/from/platform/response/#', 'sharpeyes/gw-r/response/#'], 1);
    const send = async (topic: string, body: object): Promise<Response> => {
      const tx = (body as { transaction: string }).transaction;
      await conn.publish(topic, JSON.stringify(body), { qos: 1 });
      const deadline = Date.now() + 15_000;
      for (;;) {
        const a = answers.find((r) => r.transaction === tx);
        if (a) {
          answers.splice(answers.indexOf(a), 1);
          return a;
        }
        if (Date.now() > deadline) throw new Error(`no answer to ${topic}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return {
      ctx,
      send,
      stop: async () => {
        await conn.close();
        await stopRoom();
        ctx.dispose();
      },
    };
  }

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
