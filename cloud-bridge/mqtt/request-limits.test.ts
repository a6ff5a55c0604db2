import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startRoom, testContext, type TestContext } from '../../gateway/testing/context.js';
import { CloudBridgeRoom } from './room.js';
import { RequestClient } from './request-client.js';
import { EMBEDDED_BROKER_FILE, readBrokerCredentials } from './broker-credentials.js';
import { ActionLimits } from '../../gateway/core/action-limits.js';
import { ActionError } from '../../gateway/core/actions.js';

/**
 * The action table's work limits, seen by a platform over MQTT (the embedded broker, the CLI's
 * client): requests beyond cloud.maxConcurrentRequests, or beyond an action's rate, are answered
 * at once with code `busy` and a message naming the limit; the others run.
 */
describe('request limits over MQTT', () => {
  let ctx: TestContext;
  let stop: (() => Promise<void>) | undefined;
  let client: RequestClient;
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));

  beforeAll(async () => {
    ctx = testContext(`node:\n  id: gw-lim\ncloud:\n  embeddedPort: 0\n  maxConcurrentRequests: 3\n  requestsPerMinute: 600\n`);
    ctx.actions.register('test/slow', {
      role: 'viewer',
      description: 'waits',
      input: z.strictObject({}),
      handle: () => gate.then(() => 'done'),
    });
    ctx.actions.register('test/rated', {
      role: 'viewer',
      description: 'rated',
      rate: { perMinute: 6, burst: 2 },
      input: z.strictObject({}),
      handle: () => 'ok',
    });
    stop = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
    const { port } = JSON.parse(readFileSync(join(ctx.dataDir, EMBEDDED_BROKER_FILE), 'utf8')) as { port: number };
    const { platform } = readBrokerCredentials(ctx.dataDir, 'gw-lim');
    client = await RequestClient.connect(ctx.loaded, {
      connect: { url: `mqtt://127.0.0.1:${port}`, clientId: 'limits-test', protocolVersion: 4, ...platform },
    });
  });
  afterAll(async () => {
    release();
    await client?.close();
    await stop?.();
  });

  it('refuses requests beyond maxConcurrentRequests with busy while the others run', async () => {
    const slow = Array.from({ length: 3 }, () => client.request('test/slow', {}));
    await new Promise((r) => setTimeout(r, 500)); // the three are running
    const extra = await client.request('test/slow', {});
    expect(extra).toMatchObject({ status: 'error', code: 'busy', error: expect.stringContaining('cloud.maxConcurrentRequests = 3') });
    release();
    const done = await Promise.all(slow);
    expect(done.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    gate = Promise.resolve();
    expect(await client.request('test/slow', {})).toMatchObject({ status: 'ok' });
  });

  it('refuses an action beyond its own rate, naming it; other actions still run', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await client.request('test/rated', {}));
    expect(answers.map((a) => a.status)).toEqual(['ok', 'ok', 'error', 'error']);
    expect(answers[2]).toMatchObject({
      code: 'busy',
      error: expect.stringMatching(/test\/rated: more than 6 per minute \(burst 2\) for platform:platform; try again in \d+ s/),
    });
    expect(await client.request('ping', {})).toMatchObject({ status: 'ok' });
  });
});

describe('ActionLimits (pure)', () => {
  it('refills the bucket with time and releases concurrency slots once', () => {
    let t = 0;
    const limits = new ActionLimits({ maxConcurrent: 1, defaultRate: { perMinute: 60, burst: 1 }, now: () => t });
    const done = limits.acquire('a');
    expect(() => limits.acquire('b')).toThrow(ActionError);
    done();
    done();
    expect(limits.inFlight).toBe(0);
    expect(() => limits.acquire('a')).toThrow(/try again in 1 s/);
    t += 1000;
    limits.acquire('a')();
  });
});
