import { execFile, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../gateway/store/database.js';
import { Outbox } from '../../gateway/store/outbox.js';
import { createLogger } from '../../gateway/core/logger.js';
import { freePort, startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { Daemon, SHARPEYES, quietRoomsYaml } from '../testing/daemon.js';
import { TestSubscriber, checkDelivery } from '../testing/subscriber.js';
import { until } from '../../gateway/testing/context.js';
import { schemaValidator } from '../testing/validate.js';
import type { Status } from './payloads.js';
import { readBrokerCredentials } from './broker-credentials.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The flood comes from a second process writing into the daemon's SQLite file (WAL allows it),
 * as any local tool recording events would; the daemon's relay notices rows it did not append
 * itself through its poll fallback. No test-only action exists in the daemon.
 */
function openOutbox(dataDir: string): { db: Database; outbox: Outbox } {
  const db = new Database(join(dataDir, 'gateway.db'));
  return { db, outbox: new Outbox({ db, log: createLogger({ level: 'silent' }), quotaBytes: 512 * 1024 * 1024 }) };
}

describe('the daemon as a process, against mosquitto', () => {
  let broker: Mosquitto;
  let dir: string;
  let daemon: Daemon;
  let sub: TestSubscriber;

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'sharpeyes-daemon-'));
    daemon = new Daemon(
      dir,
      `node:\n  id: gw-kill\n  dataDir: ${dir}/var\ncloud:\n  url: ${broker.url}\n  reconnectMinMs: 200\n  reconnectMaxMs: 2000\n  keepaliveS: 5\n${quietRoomsYaml()}`,
    );
    sub = await TestSubscriber.connect({ url: broker.url }, ['sharpeyes/gw-kill/status', 'sharpeyes/gw-kill/events/#'], true);
  });
  afterAll(async () => {
    await daemon?.kill('SIGKILL');
    await sub?.close();
    await broker?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const statuses = () => sub.json('/status') as Status[];

  it('SIGKILL in the middle of a flood: last will offline, online after restart, nothing lost', async () => {
    daemon.start();
    await until(() => statuses().some((s) => s.state === 'online'), 'online status', 60_000);
    const { db, outbox } = openOutbox(join(dir, 'var'));
    const TOTAL = 3000;
    let written = 0;
    let stop = false;
    const writer = (async () => {
      while (written < TOTAL && !stop) {
        db.transaction(() => {
          for (let k = 0; k < 10 && written < TOTAL; k++) outbox.append('access.granted', { n: written++ });
        });
        await sleep(5);
      }
    })();
    try {
      await until(() => sub.envelopes().length >= 500, '500 events through the daemon', 60_000);
      const before = statuses().length;
      expect(await daemon.kill('SIGKILL')).toBe('SIGKILL');
      // mosquitto publishes the retained last will as soon as the socket closes.
      await until(
        () =>
          statuses()
            .slice(before)
            .some((s) => s.state === 'offline'),
        'last will',
        30_000,
      );
      const will = statuses()
        .slice(before)
        .find((s) => s.state === 'offline');
      expect(will).toMatchObject({ state: 'offline', nodeId: 'gw-kill' });
      await sleep(1000); // events keep being recorded while the daemon is dead
      const logFrom = daemon.logs.length;
      daemon.start();
      await daemon.waitForLog((l) => l.msg === 'connected to the broker', 60_000, logFrom);
      await until(
        () =>
          statuses()
            .slice(before)
            .some((s) => s.state === 'online'),
        'online again',
        30_000,
      );
      await writer;
    } finally {
      stop = true;
      await writer;
      db.close();
    }
    expect(written).toBe(TOTAL);
    await until(() => checkDelivery(sub.envelopes()).ids.length >= TOTAL, `all ${TOTAL} events`, 120_000);
    const check = checkDelivery(sub.envelopes());
    expect(check.outOfOrder).toEqual([]);
    expect(check.seqs).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    const byId = new Map(sub.envelopes().map((e) => [e.id, e]));
    const ns = check.ids.map((id) => (byId.get(id)?.data as { n: number }).n);
    expect(ns).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    // Every duplicate is a redelivery of an id already seen (checked by checkDelivery); report them.
    console.info(`kill -9 test: ${TOTAL} events, ${check.duplicates} redelivered duplicates`);
    const validate = schemaValidator();
    for (const e of sub.envelopes()) validate('envelope.json', e);
    for (const s of statuses()) validate('status.json', s);
  }, 300_000);

  it('SIGTERM: a clean stop publishes the retained offline status itself and exits 0', async () => {
    const before = statuses().length;
    expect(await daemon.kill('SIGTERM')).toBe(0);
    await until(
      () =>
        statuses()
          .slice(before)
          .some((s) => s.state === 'offline'),
      'offline status',
    );
    expect(daemon.logs.some((l) => l.room === 'cloud-bridge' && l.msg === 'room stopped')).toBe(true);
  });
});

describe('embedded broker (no cloud.url)', () => {
  let dir: string;
  let daemon: Daemon;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'sharpeyes-embedded-'));
    daemon = new Daemon(dir, `node:\n  id: gw-emb\n  dataDir: ${dir}/var\ncloud:\n  embeddedPort: ${port}\n${quietRoomsYaml()}`);
    daemon.start();
    await daemon.waitForLog((l) => l.msg === 'connected to the broker');
  });
  afterAll(async () => {
    await daemon?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], ms = 30_000) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(process.execPath, [SHARPEYES, ...args, '--config', daemon.configFile], { timeout: ms }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      });
    });

  it('a client on 127.0.0.1:<embeddedPort> sees the status online and the events', async () => {
    const { platform } = readBrokerCredentials(join(dir, 'var'), 'gw-emb');
    const sub = await TestSubscriber.connect({ url: `mqtt://127.0.0.1:${port}`, protocolVersion: 4, ...platform }, ['sharpeyes/gw-emb/#']);
    try {
      await until(() => sub.json('/status').some((s) => (s as Status).state === 'online'), 'retained online status');
      const { db, outbox } = openOutbox(join(dir, 'var'));
      db.transaction(() => outbox.append('alarm.raised', { post: 'A1' }));
      db.close();
      await until(() => sub.envelopes().some((e) => e.kind === 'alarm.raised'), 'alarm event');
      expect(sub.envelopes().find((e) => e.kind === 'alarm.raised')).toMatchObject({ nodeId: 'gw-emb', data: { post: 'A1' }, v: 2 });
    } finally {
      await sub.close();
    }
  });

  it('sharpeyes request reaches the daemon; errors exit 1 with the readable message', async () => {
    const ok = await cli(['request', 'ping']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'ok', data: { nodeId: 'gw-emb' } });
    const bad = await cli(['request', 'ping', '{"loud":true}']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      status: 'error',
      code: 'invalid_input',
      error: expect.stringContaining('input.loud: unknown key'),
    });
    const nobody = await cli(['request', 'ping', '--node', 'gw-absent', '--timeout', '1']);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/no response to ping from node gw-absent within 1 s/);
  });

  it('sharpeyes events lists the local outbox and --follow shows the live stream', async () => {
    const follow = spawn(process.execPath, [SHARPEYES, 'events', '--follow', '--json', '--kind', 'access', '--config', daemon.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
    follow.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await until(() => err.includes('following sharpeyes/gw-emb/events/#'), 'events --follow subscribed');
      const { db, outbox } = openOutbox(join(dir, 'var'));
      db.transaction(() => {
        outbox.append('camera.online', { cameraId: 'c1' });
        outbox.append('access.granted', { who: 'resident-7' });
      });
      db.close();
      await until(() => out.includes('resident-7'), 'followed event');
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string });
      expect(lines.map((l) => l.kind)).toEqual(['access.granted']);
    } finally {
      follow.kill('SIGINT');
    }
    await until(async () => (await cli(['events', '--kind', 'access'])).stdout.includes('access.granted'), 'sent state in the outbox');
    const list = await cli(['events']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/alarm\.raised\s+\{"post":"A1"\}\s+\(sent\)/);
    expect(list.stdout).toMatch(/access\.granted/);
  });
});
