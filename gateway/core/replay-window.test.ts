import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayWindow } from './replay-window.js';
import { ReplayGuard } from './replay-guard.js';
import { mayRun, roleOfAccount } from './roles.js';
import { ActionLimits } from './action-limits.js';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('replay window (pure)', () => {
  it('needs a zoned ts and a nonce, within maxAgeS either way', () => {
    const w = new ReplayWindow(60, 1000);
    const v = (ts: string | undefined, nonce: string | undefined = 'nonce-001') => w.check('platform', { ts, nonce }, T0);
    expect(v(undefined)).toMatchObject({ ok: false, code: 'stale', message: expect.stringMatching(/"ts".*"nonce"/) });
    expect(v(iso(T0), '')).toMatchObject({ ok: false, code: 'stale' });
    expect(v('2026-11-29T10:00:00')).toMatchObject({ ok: false, message: expect.stringMatching(/with a zone/) });
    expect(v('2026-11-29 10:00:00Z')).toMatchObject({ ok: false, message: expect.stringMatching(/with a zone/) });
    expect(v('2026-11-29T18:00:00+08:00')).toMatchObject({ ok: true, sentAt: T0 });
    expect(v('2026-11-29T10:00:00.123456Z')).toMatchObject({ ok: true });
    expect(v('2026-02-31T10:00:00Z')).toMatchObject({ ok: false });
    expect(v(iso(T0 - 61_000))).toMatchObject({ ok: false, message: expect.stringMatching(/61\.0 s ago, older than 60 s/) });
    expect(v(iso(T0 + 61_000))).toMatchObject({ ok: false, message: expect.stringMatching(/in the future/) });
    expect(v(iso(T0), 'short')).toMatchObject({ ok: false, message: expect.stringMatching(/8-128/) });
  });

  it('refuses a nonce the same account used within the window; other accounts have their own', () => {
    const w = new ReplayWindow(60, 1000);
    const first = w.check('platform', { ts: iso(T0), nonce: 'nonce-001' }, T0);
    if (!first.ok) throw new Error('refused');
    w.admit(first.key, first.sentAt);
    expect(w.check('platform', { ts: iso(T0 + 1000), nonce: 'nonce-001' }, T0 + 1000)).toMatchObject({ ok: false, code: 'replayed' });
    expect(w.check('ops-desk', { ts: iso(T0 + 1000), nonce: 'nonce-001' }, T0 + 1000)).toMatchObject({ ok: true });
    // The captured request itself is stale once its nonce is forgotten.
    expect(w.check('platform', { ts: iso(T0), nonce: 'nonce-001' }, T0 + 61_000)).toMatchObject({ ok: false, code: 'stale' });
  });

  it('stays within maxEntries, and refuses as stale whatever a forgotten nonce could replay', () => {
    const w = new ReplayWindow(60, 100);
    for (let i = 0; i < 1000; i++) {
      const v = w.check('p', { ts: iso(T0 + i), nonce: `nonce-${i}-x` }, T0 + i);
      if (!v.ok) throw new Error(v.message);
      w.admit(v.key, v.sentAt);
      expect(w.size).toBeLessThanOrEqual(100);
    }
    // nonce-0 was forgotten long ago: replaying it is refused by the horizon.
    expect(w.check('p', { ts: iso(T0), nonce: 'nonce-0-x' }, T0 + 1000)).toMatchObject({ ok: false, code: 'stale' });
    expect(w.check('p', { ts: iso(T0 + 999), nonce: 'nonce-999-x' }, T0 + 1000)).toMatchObject({ ok: false, code: 'replayed' });
    expect(w.check('p', { ts: iso(T0 + 1000), nonce: 'nonce-new-1' }, T0 + 1000)).toMatchObject({ ok: true });
  });
});

describe('replay guard: nonces persist across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-nonces-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses after a restart a request admitted before it; the file stays bounded; a torn last line is ignored', async () => {
    const file = join(dir, 'request-nonces.jsonl');
    let now = T0;
    const guard = () => new ReplayGuard(60, { file, now: () => now, maxEntries: 500 });
    const a = guard();
    a.check({ ts: iso(now), nonce: 'gate-open-1' });
    await a.durable(); // the answer waits for this: the nonce is on the disk
    // "Restart": a new guard reads the file.
    now += 5000;
    const b = guard();
    expect(() => b.check({ ts: iso(T0), nonce: 'gate-open-1' })).toThrow(/already used/);
    for (let i = 0; i < 5000; i++) {
      now += 100;
      b.check({ ts: iso(now), nonce: `n-${String(i).padStart(6, '0')}` });
    }
    await b.durable(); // the last rewrite renamed over the file
    expect(existsSync(`${file}.tmp`)).toBe(false);
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    expect(lines).toBeLessThanOrEqual(500 + 1000 + 2);
    writeFileSync(file, `${readFileSync(file, 'utf8')}[17648`);
    const c = guard();
    expect(() => c.check({ ts: iso(now), nonce: 'n-004999' })).toThrow(/already used/);
    expect(c.window.size).toBeLessThanOrEqual(601);
  });
});

describe('roles (pure)', () => {
  it('rank viewer < operator < admin; an unlisted MQTT account has none', () => {
    expect(mayRun('operator', 'viewer')).toBe(true);
    expect(mayRun('operator', 'admin')).toBe(false);
    expect(roleOfAccount({ platform: 'admin', 'ops-cli': 'operator' }, 'ops-cli')).toBe('operator');
    expect(roleOfAccount({ platform: 'admin' }, 'gw-2')).toBeUndefined();
    expect(roleOfAccount({ platform: 'admin' }, '__proto__')).toBeUndefined();
    expect(roleOfAccount({ platform: 'admin' }, 'constructor')).toBeUndefined();
  });
});

describe('action limits per requester (pure)', () => {
  it("one requester at an action's ceiling leaves others' buckets full; alarm reads never wait for a slot", () => {
    const t = 0;
    const limits = new ActionLimits({ maxConcurrent: 4, defaultRate: { perMinute: 60, burst: 2 }, now: () => t });
    const busy = [limits.acquire('alarm/list', undefined, 'console:viewer-1'), limits.acquire('alarm/list', undefined, 'console:viewer-1')];
    expect(() => limits.acquire('alarm/list', undefined, 'console:viewer-1')).toThrow(/for console:viewer-1; try again/);
    expect(() => limits.acquire('alarm/list', undefined, 'console:guard')).not.toThrow();
    busy.forEach((r) => r());
    // One requester takes at most 3 of 4 slots; alarm handling needs none.
    const held = [1, 2, 3].map((i) => limits.acquire(`x/${i}`, undefined, 'platform:flood'));
    expect(() => limits.acquire('x/4', undefined, 'platform:flood')).toThrow(/already has 3 requests running/);
    const other = limits.acquire('x/1', undefined, 'platform:platform');
    expect(() => limits.acquire('x/2', undefined, 'platform:third')).toThrow(/4 requests are already running/);
    expect(() => limits.acquire('alarm/ack', undefined, 'platform:third')()).not.toThrow();
    [...held, other].forEach((r) => r());
    expect(limits.inFlight).toBe(0);
  });
});
