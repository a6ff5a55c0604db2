import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext, until, type TestContext } from '../testing/context.js';
import { loopFs, loopFsAvailable, type LoopFs } from '../testing/loop-fs.js';
import { Journal } from '../store/journal.js';
import type { GatewayEvents } from '../events.js';

/**
 * The event loop never waits on the disk: with another process holding the database's write
 * lock, and with the store refusing writes on a full real file system (ext4 on a loop device,
 * where fsync costs what it costs on a box), events are heard at once, kept in order in memory
 * and the journal, and recorded once the store takes them; event-loop stalls are measured
 * (perf_hooks) meanwhile. Under the old 5 s busy timeout every flush stalled the loop 5 s.
 */
const raised = (n: number): GatewayEvents['alarm.raised'] => ({
  alarmId: `alarm-${n}`,
  deviceId: 'post-1',
  input: 'button',
  kind: 'panic',
  severity: 'normal',
  ts: new Date().toISOString(),
});
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const ms = (ns: number) => Math.round(ns / 1e5) / 10;

function alarmIds(ctx: TestContext): string[] {
  return ctx.outbox
    .takeBatch(100_000)
    .filter((r) => r.kind === 'alarm.raised')
    .map((r) => (r.data as { alarmId: string }).alarmId);
}

describe('another process holds the database lock (sqlite3 CLI, BEGIN EXCLUSIVE)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-lock-')); // the host's disk, not a tmpfs
  const ctx = testContext('', { dir });
  let holder: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    holder?.kill('SIGKILL');
    ctx.dispose();
  });

  it('events are heard at once, wait in order without stalling the loop, and are recorded when the lock goes', async () => {
    ctx.events.recoverJournal();
    const heard: string[] = [];
    const degraded: string[] = [];
    ctx.bus.on('alarm.raised', (e) => void heard.push(e.alarmId));
    ctx.bus.on('store.degraded', (e) => void degraded.push(e.error));
    const h = spawn('sqlite3', [join(dir, 'gateway.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
    holder = h;
    let out = '';
    h.stdout.on('data', (d: Buffer) => (out += d.toString()));
    h.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO meta(key, value) VALUES ('lock-test', '1');\nSELECT 'locked';\n");
    await until(() => out.includes('locked'), 'the second process holds the lock', 30_000);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = Date.now();
    let n = 0;
    // 6.5 s of alarms, 5 every 100 ms: each tick's flush meets the lock.
    while (Date.now() - t0 < 6500) {
      for (let i = 0; i < 5; i++) ctx.events.publish('alarm.raised', raised(n++));
      await tick(100);
    }
    delay.disable();
    const stall = { max: ms(delay.max), p99: ms(delay.percentile(99)) };
    console.log(`database locked by another process for 6.5 s, ${n} events: event-loop delay p99 ${stall.p99} ms, max ${stall.max} ms`);
    expect(heard).toHaveLength(n); // the reactions never waited
    expect(alarmIds(ctx)).toEqual([]); // nothing could be recorded
    expect(ctx.events.status().held).toBeGreaterThanOrEqual(n);
    expect(degraded).toHaveLength(1); // a lock held past 5 s is reported, once
    expect(degraded[0]).toMatch(/locked|busy/i);
    // Each flush used to wait 5 s for the lock on the event loop; now none waits at all. The
    // bound leaves room for a loaded machine (2 cores shared with other work: 350 ms seen at
    // load 25); with the old timeout the same test measures 5,226 ms.
    expect(stall.max).toBeLessThan(2000);

    h.stdin.end('COMMIT;\n');
    await until(() => !ctx.events.status().degraded, 'the store recovered', 30_000);
    expect(alarmIds(ctx)).toEqual(heard); // every event, once, in order
    const kinds = ctx.outbox.takeBatch(100_000).map((r) => r.kind);
    expect(kinds).toContain('store.degraded');
    expect(kinds.at(-1)).toBe('store.recovered');
  });

  it('a lock shorter than 5 s is waited out quietly: no store.degraded, order kept', async () => {
    const degraded: string[] = [];
    ctx.bus.on('store.degraded', (e) => void degraded.push(e.error));
    const before = alarmIds(ctx).length;
    const h = spawn('sqlite3', [join(dir, 'gateway.db')], { stdio: ['pipe', 'pipe', 'pipe'] });
    holder = h;
    let out = '';
    h.stdout.on('data', (d: Buffer) => (out += d.toString()));
    h.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO meta(key, value) VALUES ('lock-test-2', '1');\nSELECT 'locked';\n");
    await until(() => out.includes('locked'), 'the second process holds the lock', 30_000);
    for (let i = 0; i < 20; i++) {
      ctx.events.publish('alarm.raised', raised(10_000 + i));
      await tick(50);
    }
    expect(ctx.events.status().held).toBeGreaterThanOrEqual(20);
    h.stdin.end('COMMIT;\n');
    await until(() => ctx.events.status().held === 0, 'held events recorded', 30_000);
    expect(alarmIds(ctx).slice(before)).toEqual(Array.from({ length: 20 }, (_, i) => `alarm-${10_000 + i}`));
    expect(degraded).toEqual([]);
  });
});

const canLoop = loopFsAvailable();
if (!canLoop) console.warn('degraded-mode test skipped: cannot mount a loop-device file system here (needs root)');

describe.skipIf(!canLoop)('degraded mode on a full ext4 file system (loop device): the journal is fsynced off the loop', () => {
  let fs: LoopFs | undefined;
  let dir = '';
  let ctx: TestContext;
  beforeAll(() => {
    fs = loopFs({ sizeMb: 48 });
    if (!fs) throw new Error('mounting an ext4 loop-device file system failed');
    dir = join(fs.dir, 'data');
  });
  afterAll(() => {
    ctx?.dispose();
    fs?.dispose();
  });

  it('events are in the journal file at once, fsynced in batches, and the loop never waits', async () => {
    mkdirSync(dir, { recursive: true });
    ctx = testContext('', { dir });
    ctx.events.recoverJournal(); // preallocates the journal while there is space
    const heard: string[] = [];
    ctx.bus.on('alarm.raised', (e) => void heard.push(e.alarmId));
    fs?.fill();
    // SQLite first uses the free pages it already has; write until it refuses.
    for (let i = 0; i < 5000 && !ctx.events.status().degraded; i++) {
      ctx.events.publish('camera.motion', { cameraId: 'c', state: true, source: 'onvif', topic: 'y'.repeat(500) });
      ctx.events.flush();
    }
    expect(ctx.events.status().degraded).toBe(true);
    await ctx.events.durable(); // no fsync of the filling phase still in flight
    const syncsBefore = ctx.events.journalStats().syncs;

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let n = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 10; i++) ctx.events.publish('alarm.raised', raised(n++));
      await tick(10);
    }
    delay.disable();
    const syncs = ctx.events.journalStats().syncs - syncsBefore;
    const stall = { max: ms(delay.max), p99: ms(delay.percentile(99)) };
    console.log(
      `degraded on ext4 (loop device): ${n} events, ${syncs} journal fsyncs, event-loop delay p99 ${stall.p99} ms, max ${stall.max} ms`,
    );
    expect(heard).toHaveLength(n);
    expect(syncs).toBeLessThanOrEqual(100); // at most one per tick that held events, never one per event
    expect(stall.max).toBeLessThan(2000);

    // A crash now keeps them: a second reader of the file (as the next start) finds every one.
    const other = new Journal(join(dir, 'events.journal'));
    const inFile = other.open().filter((r) => r.kind === 'alarm.raised');
    other.close();
    expect(inFile.map((r) => (r.data as { alarmId: string }).alarmId)).toEqual(heard);
    await ctx.events.durable(); // and on the disk once this resolves

    fs?.free();
    await until(() => !ctx.events.status().degraded, 'the store recovered', 30_000);
    expect(alarmIds(ctx)).toEqual(heard);
  });
});
