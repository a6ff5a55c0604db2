import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext, until, type TestContext } from '../testing/context.js';
import type { GatewayEvents } from '../events.js';

/**
 * The store on a file system that fills up: the bus hears every event at once, the events wait
 * in memory and in the preallocated journal, and are recorded in order when space returns, or by
 * the next start if the process dies first. A real tmpfs (the tests run as root); skipped where
 * mounting is not allowed.
 */
const mountPoint = mkdtempSync(join(tmpdir(), 'se-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]).status === 0;
if (!mounted) console.warn('publisher disk-full test skipped: cannot mount a tmpfs here (needs root)');

describe.skipIf(!mounted)('events on a full disk', () => {
  const dir = join(mountPoint, 'data');
  let ctx: TestContext;
  const filler = join(mountPoint, 'filler');
  const fill = () => {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point
    }
  };
  const raised = (n: number): GatewayEvents['alarm.raised'] => ({
    alarmId: `alarm-${n}`,
    deviceId: 'post-1',
    input: 'button',
    kind: 'panic',
    severity: 'normal',
    ts: new Date().toISOString(),
  });

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    ctx = testContext('', { dir });
    ctx.events.recoverJournal(); // opens (preallocates) the journal, as the daemon does at start
  });
  afterAll(async () => {
    ctx?.dispose();
    rmSync(filler, { force: true });
    // An fsync of the replay guard's nonce file may still be in flight (off the loop): its file
    // is open until it ends, and the mount is busy until then.
    await until(() => spawnSync('umount', [mountPoint]).status === 0, 'tmpfs unmounted', 5000);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('listeners hear events at once, the store catches up in order once space returns', async () => {
    const heard: string[] = [];
    ctx.bus.on('alarm.raised', (e) => void heard.push(e.alarmId));
    const degraded: string[] = [];
    ctx.bus.on('store.degraded', (e) => void degraded.push(e.error));
    fill();
    const pad = 'x'.repeat(500);
    for (let i = 0; i < 200; i++) {
      ctx.events.publish('alarm.raised', raised(i));
      ctx.events.publish('camera.motion', { cameraId: 'c', state: true, source: 'onvif', topic: pad }); // fills SQLite's own pages
    }
    ctx.events.flush();
    expect(heard).toHaveLength(200); // the reactions never waited for the store
    expect(degraded.length).toBe(1);
    expect(degraded[0]).toMatch(/full|disk|I\/O/i);
    expect(ctx.events.status()).toMatchObject({ degraded: true });
    rmSync(filler); // space returns
    await until(() => !ctx.events.status().degraded, 'the store recovered', 15_000);
    const rows = ctx.outbox.takeBatch(10_000).filter((r) => r.kind === 'alarm.raised');
    expect(rows.map((r) => (r.data as { alarmId: string }).alarmId)).toEqual(heard);
    const kinds = ctx.outbox.takeBatch(10_000).map((r) => r.kind);
    expect(kinds).toContain('store.degraded');
    expect(kinds.at(-1)).toBe('store.recovered');
  });

  it('a process that dies while the store is full loses nothing: the next start records the journal', () => {
    fill();
    // SQLite first uses the free pages it already has in its files; write until it refuses.
    for (let i = 0; i < 5000 && !ctx.events.status().degraded; i++) {
      ctx.events.publish('camera.motion', { cameraId: 'c', state: true, source: 'onvif', topic: 'y'.repeat(500) });
      ctx.events.flush();
    }
    expect(ctx.events.status().degraded).toBe(true);
    for (let i = 1000; i < 1020; i++) ctx.events.publish('alarm.raised', raised(i));
    ctx.events.flush();
    expect(ctx.events.status().held).toBeGreaterThanOrEqual(20);
    // "Kill": drop the context without letting it retry, free the space, start again on the folder.
    ctx.dispose();
    rmSync(filler);
    ctx = testContext('', { dir });
    expect(readdirSync(dir)).toContain('events.journal');
    const recovered = ctx.events.recoverJournal();
    expect(recovered).toBeGreaterThanOrEqual(20);
    const ids = ctx.outbox
      .takeBatch(10_000)
      .filter((r) => r.kind === 'alarm.raised')
      .map((r) => (r.data as { alarmId: string }).alarmId);
    for (let i = 1000; i < 1020; i++) expect(ids).toContain(`alarm-${i}`);
    expect(new Set(ids).size).toBe(ids.length); // each once
  });
});
