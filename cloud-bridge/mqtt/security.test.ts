import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { testContext, until, type TestContext, startRoom } from '../../gateway/testing/context.js';
import { TestSubscriber } from '../testing/subscriber.js';
import { CloudBridgeRoom } from './room.js';
import type { Status } from './payloads.js';

const ACL = `user gw-sec
topic write sharpeyes/gw-sec/status
topic write sharpeyes/gw-sec/events/#
topic read sharpeyes/gw-sec/request/#
topic write sharpeyes/gw-sec/response/#

user gw-noevents
topic write sharpeyes/gw-noevents/status
topic read sharpeyes/gw-noevents/request/#

user platform
topic readwrite sharpeyes/#
`;

// Every attempt is a debug line; the error line is written for a new reason and every 10th repeat.
const attempts = (ctx: TestContext) => ctx.logs.filter((l) => l.msg === 'broker connection attempt failed');
const failures = (ctx: TestContext) => ctx.logs.filter((l) => l.msg === 'broker connection failed; retrying');

describe('password + ACL (mosquitto)', () => {
  let broker: Mosquitto;
  const rooms: Array<() => Promise<void>> = [];
  const ctxs: TestContext[] = [];
  beforeAll(async () => {
    broker = await startMosquitto({ users: { 'gw-sec': 'right-password', 'gw-noevents': 'pw2', platform: 'platform-pw' }, acl: ACL });
  });
  afterAll(async () => {
    for (const stop of rooms.splice(0)) await stop();
    for (const c of ctxs) c.dispose();
    await broker?.dispose();
  });

  function bridge(node: string, password: string): { ctx: TestContext; room: { start(): Promise<void> }; pwFile: string } {
    const ctx = testContext(
      `node:\n  id: ${node}\ncloud:\n  url: ${broker.url}\n  username: ${node}\n  passwordFile: pw\n  reconnectMinMs: 200\n  reconnectMaxMs: 1000\n`,
    );
    const pwFile = join(ctx.dataDir, 'pw');
    writeFileSync(pwFile, `${password}\n`);
    chmodSync(pwFile, 0o600);
    const room = { start: async () => void rooms.push(await startRoom(ctx, new CloudBridgeRoom(ctx))) };
    ctxs.push(ctx);
    return { ctx, room, pwFile };
  }

  it('a refused login is logged and retried with backoff; the fixed password file is picked up without a restart', async () => {
    const platform = await TestSubscriber.connect({ url: broker.url, username: 'platform', password: 'platform-pw' }, [
      'sharpeyes/gw-sec/#',
    ]);
    const { ctx, room, pwFile } = bridge('gw-sec', 'wrong-password');
    await room.start(); // never waits for (or fails on) the broker
    await until(() => attempts(ctx).length >= 3, 'three refused attempts');
    const line = failures(ctx)[0] as { err: string; retryInMs: number };
    expect(line.err).toMatch(
      /^cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: Connection refused: Not authorized \[135\] \(check cloud\.username and cloud\.passwordFile\)$/,
    );
    const delays = attempts(ctx).map((l) => l.retryInMs as number);
    expect(delays[2]).toBeGreaterThan(delays[0] as number); // backing off

    ctx.db.transaction(() => ctx.outbox.append('alarm.raised', { post: 'S1' })); // recorded while refused
    writeFileSync(pwFile, 'right-password\n');
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
    await until(() => platform.envelopes().some((e) => e.kind === 'alarm.raised'), 'event through the ACL');
    await until(() => platform.json('/status').some((s) => (s as Status).state === 'online'), 'online');

    await platform.publish('sharpeyes/gw-sec/request/ping', JSON.stringify({ transaction: 'acl-1' }));
    await until(
      () => platform.json('/response/ping').some((r) => (r as { transaction: string }).transaction === 'acl-1'),
      'response through the ACL',
    );
    await platform.close();
  });

  it('an event publish the ACL refuses (MQTT 5 PUBACK "not authorized") stays unsent and is retried, not marked sent', async () => {
    const { ctx, room } = bridge('gw-noevents', 'pw2');
    await room.start();
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
    ctx.db.transaction(() => ctx.outbox.append('access.granted', { who: 'r-1' }));
    const line = await ctx.waitForLog((l) => l.msg === 'dropping the broker connection');
    expect(String(line.reason)).toMatch(/broker refused event access\.granted seq 1: .*Not authorized/i);
    await ctx.waitForLog((l) => l.msg === 'connected to the broker' && ctx.logs.indexOf(l) > ctx.logs.indexOf(line));
    expect(ctx.outbox.stats().unsent).toBe(1);
  });
});

describe('mutual TLS (mosquitto, use_identity_as_username)', () => {
  let broker: Mosquitto;
  const ctxs: TestContext[] = [];
  const rooms: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    broker = await startMosquitto({ tls: 'mutual', clientNames: ['gw-tls', 'platform'] });
  });
  afterAll(async () => {
    for (const stop of rooms.splice(0)) await stop();
    for (const c of ctxs) c.dispose();
    await broker?.dispose();
  });

  function bridge(tls: { caFile: string; certFile: string; keyFile: string }): { ctx: TestContext; room: { start(): Promise<void> } } {
    const ctx = testContext(
      `node:\n  id: gw-tls\ncloud:\n  url: ${broker.url}\n  reconnectMinMs: 200\n  reconnectMaxMs: 1000\n  tls:\n    caFile: ${tls.caFile}\n    certFile: ${tls.certFile}\n    keyFile: ${tls.keyFile}\n`,
    );
    const room = { start: async () => void rooms.push(await startRoom(ctx, new CloudBridgeRoom(ctx))) };
    ctxs.push(ctx);
    return { ctx, room };
  }

  it('connects with the client certificate and delivers events', async () => {
    const certs = broker.certs!;
    const p = certs.clients.platform!;
    const platform = await TestSubscriber.connect(
      { url: broker.url, tls: { ca: readPem(certs.caFile), cert: readPem(p.certFile), key: readPem(p.keyFile), rejectUnauthorized: true } },
      ['sharpeyes/gw-tls/#'],
    );
    const { ctx, room } = bridge({ caFile: certs.caFile, ...certs.clients['gw-tls']! });
    await room.start();
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
    ctx.db.transaction(() => ctx.outbox.append('alarm.raised', { post: 'T1' }));
    await until(() => platform.envelopes().some((e) => e.kind === 'alarm.raised'), 'event over mutual TLS');
    await platform.close();
    await rooms.pop()?.();
  });

  it('a client certificate from an untrusted CA is refused with a clear log line and retried', async () => {
    const certs = broker.certs!;
    const { ctx, room } = bridge({ caFile: certs.caFile, certFile: certs.rogue.certFile, keyFile: certs.rogue.keyFile });
    await room.start();
    await until(() => attempts(ctx).length >= 2, 'two refused attempts');
    expect(String(failures(ctx)[0]?.err)).toMatch(
      /^cannot connect to mqtts:\/\/localhost:\d+: tlsv1 alert unknown ca \[ERR_SSL_TLSV1_ALERT_UNKNOWN_CA\] \(the broker refused our client certificate: it does not trust the CA that signed cloud\.tls\.certFile\)$/,
    );
    expect(ctx.logs.some((l) => l.msg === 'connected to the broker')).toBe(false);
    expect(broker.log()).toMatch(/certificate|OpenSSL Error|verify/i);
  });

  it('a broker certificate that does not verify against cloud.tls.caFile is refused', async () => {
    const certs = broker.certs!;
    const { ctx, room } = bridge({ caFile: certs.rogue.caFile, ...certs.clients['gw-tls']! });
    await room.start();
    await until(() => failures(ctx).length >= 1, 'refused attempt');
    expect(String(failures(ctx)[0]?.err)).toMatch(
      /(self.signed|unable to (verify|get local issuer)).*the broker's certificate does not verify: check cloud\.tls\.caFile/i,
    );
  });
});

function readPem(p: string): Buffer {
  return readFileSync(p);
}
