import { afterEach, describe, expect, it } from 'vitest';
import { testContext, type TestContext } from '../testing/context.js';
import { HousekeepingRoom } from './housekeeping.js';
import { rowsOverBudget } from './retention.js';

describe('retention keeps every growing table bounded by age and by size', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.dispose());

  it('deletes rows older than keepDays, then the oldest beyond maxMb; sent outbox rows too, never unsent ones', () => {
    ctx = testContext(`
store:
  retention:
    gateCommands: { keepDays: 30, maxMb: 0.05 }
    deviceInputs: { keepDays: 1, maxMb: 100 }
outbox:
  keepSentHours: 1
  keepSentMb: 0.02
`);
    const now = Date.parse('2026-11-29T12:00:00Z');
    const day = 86_400_000;
    const insertCmd = ctx.db.prepare(
      'INSERT INTO gate_commands(ts, device_id, command, origin, ok, error, attempts, ms) VALUES (?, ?, ?, ?, 1, NULL, 1, 3)',
    );
    // 100 rows 40 days old, 2,000 recent rows (~200 KB estimated, over the 50 KB budget).
    for (let i = 0; i < 100; i++) insertCmd.run(new Date(now - 40 * day).toISOString(), 'gate-1', 'open', 'access');
    for (let i = 0; i < 2000; i++) insertCmd.run(new Date(now - day + i * 1000).toISOString(), 'gate-1', 'open', 'access');
    const insertInput = ctx.db.prepare('INSERT INTO device_inputs(ts, device_id, input, kind, active) VALUES (?, ?, ?, ?, 1)');
    insertInput.run(new Date(now - 2 * day).toISOString(), 'post-1', 'button', 'button');
    insertInput.run(new Date(now - 1000).toISOString(), 'post-1', 'button', 'button');
    // Outbox: 300 sent events (~60 KB), and 10 unsent ones older than everything.
    for (let i = 0; i < 10; i++) ctx.outbox.append('camera.online', { cameraId: 'c', since: 'x', offlineForS: null });
    const sent: string[] = [];
    for (let i = 0; i < 300; i++)
      sent.push(ctx.outbox.append('camera.online', { cameraId: 'c'.repeat(100), since: 'x', offlineForS: null }).id);
    ctx.outbox.markSent(sent);

    const deleted = new HousekeepingRoom(ctx).run(now);

    const left = ctx.db.prepare<{ n: number; oldest: string }>('SELECT COUNT(*) AS n, MIN(ts) AS oldest FROM gate_commands').get()!;
    expect(Date.parse(left.oldest)).toBeGreaterThan(now - 30 * day); // nothing older than keepDays
    expect(left.n).toBeGreaterThan(100);
    // Within maxMb: a row is estimated at 90 + its text columns ('gate-1', 'open', 'access') = 106 bytes.
    expect(left.n).toBe(Math.floor((0.05 * 1024 * 1024) / 106));
    expect(deleted.gate_commands).toBe(2100 - left.n);
    // The newest rows are the ones kept.
    expect(
      ctx.db
        .prepare<{ n: number }>('SELECT COUNT(*) AS n FROM gate_commands WHERE ts >= ?')
        .get(new Date(now - day + 1999 * 1000).toISOString())?.n,
    ).toBe(1);
    expect(ctx.db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM device_inputs').get()?.n).toBe(1);
    const out = ctx.db
      .prepare<{ unsent: number; sent: number; b: number }>(
        'SELECT SUM(sent_at IS NULL) AS unsent, SUM(sent_at IS NOT NULL) AS sent, SUM(CASE WHEN sent_at IS NOT NULL THEN bytes ELSE 0 END) AS b FROM outbox',
      )
      .get()!;
    expect(out.unsent).toBe(10);
    expect(out.sent).toBeGreaterThan(0);
    expect(out.b).toBeLessThanOrEqual(0.02 * 1024 * 1024);
  });

  it('counts the rows over a budget', () => {
    expect(rowsOverBudget(1000, 100, 50_000)).toBe(500);
    expect(rowsOverBudget(10, 100, 50_000)).toBe(0);
    expect(rowsOverBudget(0, 0, 10)).toBe(0);
  });
});
