import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, testContext, type TestContext } from '../../testing/context.js';
import { ConsoleRoom } from './room.js';

/** The console room as the controller runs it: /healthz follows the daemon and the store, /metrics its token file. */
describe('console room: /healthz and /metrics', () => {
  let ctx: TestContext;
  let room: ConsoleRoom;
  let stop: (() => Promise<void>) | undefined;
  let url = '';

  beforeAll(async () => {
    ctx = testContext();
    const token = join(ctx.dataDir, 'metrics.token');
    writeFileSync(token, 'scrape-me-7f3a9c\n', { mode: 0o600 });
    ctx.loaded.config.console = { ...ctx.loaded.config.console, port: 0, metricsTokenFile: token };
    room = new ConsoleRoom(ctx);
    stop = await startRoom(ctx, room);
    url = room.url() as string;
  });
  afterAll(async () => {
    await stop?.();
    ctx?.dispose();
  });

  it('says how to create the first admin', () => {
    expect(room.summary()).toEqual([`console:  ${url}`, expect.stringContaining('sharpeyes users add NAME --role admin')]);
  });

  it('answers 503 until every room started, 200 after, and 503 again once the store refuses writes', async () => {
    const before = await fetch(new URL('healthz', url));
    expect([before.status, await before.json()]).toEqual([
      503,
      { status: 'unhealthy', started: false, store: 'ok', version: '0.0.0-test' },
    ]);
    ctx.bus.emit('gateway.started', { version: '0.0.0-test', startedAt: ctx.startedAt });
    const after = await fetch(new URL('healthz', url));
    expect([after.status, await after.json()]).toMatchObject([200, { status: 'ok', started: true, store: 'ok' }]);
    // A database that refuses writes (read-only now): the probe's write fails.
    ctx.db.exec('PRAGMA query_only = ON');
    (room as unknown as { storeProbe: { at: number } }).storeProbe.at = 0;
    const broken = await fetch(new URL('healthz', url));
    expect([broken.status, await broken.json()]).toMatchObject([503, { status: 'unhealthy', store: 'degraded' }]);
    ctx.db.exec('PRAGMA query_only = OFF');
  });

  it('needs the bearer token from console.metricsTokenFile for /metrics', async () => {
    expect((await fetch(new URL('metrics', url))).status).toBe(401);
    expect((await fetch(new URL('metrics', url), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(new URL('metrics', url), { headers: { authorization: 'Bearer scrape-me-7f3a9c' } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    for (const name of [
      'sharpeyes_outbox_unsent',
      'sharpeyes_access_decisions_total',
      'sharpeyes_alarm_ack_seconds',
      'sharpeyes_inference_seconds',
      'sharpeyes_process_resident_memory_bytes',
    ])
      expect(text, name).toContain(`# TYPE ${name}`);
  });

  it('counts access decisions and alarm acknowledgement times from the bus', async () => {
    ctx.events.publish('access.decision', {
      gateId: 'gate-1',
      cameraId: 'demo',
      via: 'plate',
      allow: true,
      reason: 'resident',
      subjectKind: 'resident',
      subjectId: 'r1',
      label: '粤B12345',
      confidence: 0.9,
      snapshotId: null,
      ts: new Date().toISOString(),
    } as never);
    ctx.events.publish('alarm.acknowledged', {
      alarmId: '01JDEMOALARM0000000000000',
      deviceId: 'alarm-1',
      kind: 'panic',
      by: 'li',
      pressedAt: new Date(Date.now() - 42_000).toISOString(),
      origin: 'console',
    });
    const text = await (await fetch(new URL('metrics', url), { headers: { authorization: 'Bearer scrape-me-7f3a9c' } })).text();
    expect(text).toMatch(/sharpeyes_access_decisions_total\{via="plate",result="allow",reason="resident"\} 1/);
    expect(text).toMatch(/sharpeyes_alarm_ack_seconds_bucket\{le="60"\} 1/);
    expect(text).toMatch(/sharpeyes_alarm_ack_seconds_bucket\{le="30"\} 0/);
  });
});

/** console.metricsListen and console.trustedProxies from the config, as the controller starts the room. */
describe('console room: /metrics on its own listen address', () => {
  let ctx: TestContext;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ctx = testContext();
    ctx.loaded.config.console = { ...ctx.loaded.config.console, port: 0, metricsListen: '127.0.0.1:0', trustedProxies: ['127.0.0.1'] };
    stop = await startRoom(ctx, new ConsoleRoom(ctx));
  });
  afterAll(async () => {
    await stop?.();
    ctx?.dispose();
  });

  it('serves /metrics there without a token, and not on the console port', async () => {
    const own = String((await ctx.waitForLog((l) => l.msg === 'metrics listening')).url);
    const console = String((await ctx.waitForLog((l) => l.msg === 'console listening')).url);
    const r = await fetch(own);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('# TYPE sharpeyes_outbox_unsent');
    expect((await fetch(new URL('metrics', console))).status).toBe(403);
  });
});
