import { afterEach, describe, expect, it } from 'vitest';
import { priorityRank } from '../events.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from './database.js';
import { Outbox } from './outbox.js';
import { OutboxSink } from './outbox-sink.js';
import { createLogger } from '../core/logger.js';

const log = createLogger({ level: 'silent' });
const dirs: string[] = [];
function open(quotaBytes = 1024 * 1024, dir?: string): { db: Database; outbox: Outbox; dir: string } {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'outbox-test-'));
  if (!dir) dirs.push(d);
  const db = new Database(join(d, 'gateway.db'));
  return { db, outbox: new Outbox({ db, log, quotaBytes }), dir: d };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Outbox', () => {
  it('hands rows out in append order with gap-free seq, assigned once', () => {
    const { db, outbox } = open();
    for (let i = 0; i < 10; i++) outbox.append('camera.online', { i });
    const first = outbox.takeBatch(4);
    expect(first.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(first.map((r) => (r.data as { i: number }).i)).toEqual([0, 1, 2, 3]);
    const next = outbox.takeBatch(100, first.at(-1)?.rowid);
    expect(next.map((r) => r.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    // Taken again from the start (a reconnect): same ids, same seq.
    const again = outbox.takeBatch(100);
    expect(again.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(again.map((r) => r.id)).toEqual([...first, ...next].map((r) => r.id));
    expect(new Set(again.map((r) => r.id)).size).toBe(10);
    expect(outbox.stats()).toMatchObject({ unsent: 10, lastSeq: 10 });
    db.close();
  });

  it('markSent removes rows from the unsent set; unknown or repeated ids are ignored', () => {
    const { db, outbox } = open();
    for (let i = 0; i < 5; i++) outbox.append('camera.online', { i });
    const rows = outbox.takeBatch(5);
    outbox.markSent([rows[0]!.id, rows[2]!.id, rows[2]!.id, 'nope']);
    expect(outbox.takeBatch(10).map((r) => r.seq)).toEqual([2, 4, 5]);
    expect(outbox.stats().unsent).toBe(3);
    // New rows continue the sequence after the rows already numbered.
    outbox.append('camera.offline', {});
    expect(outbox.takeBatch(10).map((r) => r.seq)).toEqual([2, 4, 5, 6]);
    db.close();
  });

  it('a rolled-back transaction leaves no event and does not skew the counters', () => {
    const { db, outbox } = open();
    expect(() =>
      db.transaction(() => {
        outbox.append('access.granted', { who: 'x' });
        throw new Error('the fact could not be written');
      }),
    ).toThrow('the fact');
    expect(outbox.takeBatch(10)).toEqual([]);
    expect(outbox.stats()).toMatchObject({ unsent: 0, unsentBytes: 0 });
    db.close();
  });

  it('survives a reopen: unsent rows, their seq and the next seq are kept', () => {
    const a = open();
    for (let i = 0; i < 6; i++) a.outbox.append('alarm.raised', { i });
    const taken = a.outbox.takeBatch(3);
    a.outbox.markSent([taken[0]!.id]);
    a.db.close();
    const b = open(1024 * 1024, a.dir);
    expect(b.outbox.stats()).toMatchObject({ unsent: 5, lastSeq: 3 });
    const rows = b.outbox.takeBatch(10);
    expect(rows.map((r) => r.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(rows[0]!.id).toBe(taken[1]!.id);
    b.db.close();
  });

  it('over its quota, compacts low-priority events first and never drops alarms, access or gate events', () => {
    const { db, outbox } = open(150_000);
    const big = 'x'.repeat(900);
    let kept = 0;
    for (let i = 0; i < 300; i++) {
      const kind = i % 3 === 0 ? 'alarm.raised' : i % 3 === 1 ? 'camera.motion' : 'camera.online';
      outbox.append(kind, { i, big }, { priority: priorityRank(kind) });
      if (kind === 'alarm.raised') kept++;
    }
    const rows = outbox.takeBatch(10_000);
    const kinds = rows.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'alarm.raised')).toHaveLength(kept);
    const compacted = rows.filter((r) => r.kind === 'outbox.compacted');
    expect(compacted.length).toBeGreaterThan(0);
    const dropped = compacted.reduce((n, r) => n + (r.data as { dropped: number }).dropped, 0);
    expect(rows.length - compacted.length + dropped).toBe(300);
    // Motion (priority 2) goes before normal events (priority 1).
    const byKind = compacted.reduce<Record<string, number>>((acc, r) => {
      for (const [k, n] of Object.entries((r.data as { byKind: Record<string, number> }).byKind)) acc[k] = (acc[k] ?? 0) + n;
      return acc;
    }, {});
    expect(byKind['camera.motion']).toBeGreaterThan(0);
    expect(outbox.stats().unsentBytes).toBeLessThanOrEqual(150_000);
    expect(outbox.stats().compacted).toBe(dropped);
    // seq still gap-free across the survivors.
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    db.close();
  });

  it('never drops rows already handed to the relay (they have a seq)', () => {
    const { db, outbox } = open(20_000);
    const big = 'y'.repeat(900);
    for (let i = 0; i < 10; i++) outbox.append('camera.online', { i, big });
    const handed = outbox.takeBatch(10);
    for (let i = 0; i < 40; i++) outbox.append('camera.online', { i: 100 + i, big });
    const ids = new Set(outbox.takeBatch(10_000).map((r) => r.id));
    for (const r of handed) expect(ids.has(r.id)).toBe(true);
    db.close();
  });

  it('keeps never-dropped events over the quota (and says so) rather than losing them', () => {
    const { db, outbox } = open(10_000);
    for (let i = 0; i < 40; i++)
      outbox.append('access.decision', { i, pad: 'z'.repeat(500) }, { priority: priorityRank('access.decision') });
    expect(outbox.takeBatch(100)).toHaveLength(40);
    expect(outbox.stats().unsentBytes).toBeGreaterThan(10_000);
    db.close();
  });

  it('purgeSent deletes only sent rows older than the limit', () => {
    const { db, outbox } = open();
    for (let i = 0; i < 3; i++) outbox.append('camera.online', { i });
    const rows = outbox.takeBatch(3);
    outbox.markSent([rows[0]!.id]);
    expect(outbox.purgeSent(60_000)).toBe(0);
    expect(outbox.purgeSent(-1)).toBe(1);
    expect(outbox.takeBatch(10)).toHaveLength(2);
    db.close();
  });

  it('wakes listeners after the surrounding transaction', async () => {
    const { db, outbox } = open();
    let woke = 0;
    outbox.onAppend(() => woke++);
    db.transaction(() => outbox.append('camera.online', {}));
    await Promise.resolve();
    expect(woke).toBe(1);
    db.close();
  });

  describe('a second sink with its own position', () => {
    const kinds = ['face.recognized', 'plate.recognized'];

    it('starts at the end of the outbox and takes only its kinds, in order', () => {
      const { db, outbox } = open();
      outbox.append('face.recognized', { before: true });
      const sink = OutboxSink.open(db, 'viid', kinds);
      expect(sink.take(10).rows).toEqual([]);
      outbox.append('camera.online', { i: 0 });
      outbox.append('face.recognized', { i: 1 });
      outbox.append('camera.motion', { i: 2 });
      outbox.append('plate.recognized', { i: 3 });
      outbox.append('camera.online', { i: 4 });
      const all = sink.take(10);
      expect(all.rows.map((r) => [r.kind, (JSON.parse(r.json) as { i: number }).i])).toEqual([
        ['face.recognized', 1],
        ['plate.recognized', 3],
      ]);
      // Fewer than asked: everything up to the end was read, the last camera.online included.
      expect(all.scannedTo).toBe(outbox.recent(1)[0]!.rowid);
      const one = sink.take(1);
      expect(one.rows).toHaveLength(1);
      expect(one.scannedTo).toBe(one.rows[0]!.rowid);
      // Reading does not move the position; acknowledging does, never backwards.
      sink.ack(one.scannedTo);
      expect(sink.take(10).rows.map((r) => r.kind)).toEqual(['plate.recognized']);
      sink.ack(1);
      expect(sink.position).toBe(one.scannedTo);
      expect(sink.backlog()).toBe(1);
      sink.ack(all.scannedTo);
      expect(sink.take(10)).toEqual({ rows: [], scannedTo: all.scannedTo });
      db.close();
    });

    it('keeps its position across a reopen, independent of the MQTT relay', () => {
      const a = open();
      const sink = OutboxSink.open(a.db, 'viid', kinds);
      for (let i = 0; i < 4; i++) a.outbox.append('face.recognized', { i });
      const rows = a.outbox.takeBatch(10);
      a.outbox.markSent(rows.map((r) => r.id)); // MQTT has delivered all four
      sink.ack(rows[1]!.rowid); // the sink only two
      a.db.close();
      const b = open(1024 * 1024, a.dir);
      const again = OutboxSink.open(b.db, 'viid', kinds);
      expect(again.take(10).rows.map((r) => r.id)).toEqual(rows.slice(2).map((r) => r.id));
      expect(b.outbox.stats().unsent).toBe(0);
      b.db.close();
    });

    it('sent rows are purged only once every sink has passed them; a dropped sink holds nothing back', () => {
      const { db, outbox } = open();
      const sink = OutboxSink.open(db, 'viid', kinds);
      for (let i = 0; i < 5; i++) outbox.append(i % 2 ? 'camera.online' : 'face.recognized', { i });
      const rows = outbox.takeBatch(10);
      outbox.markSent(rows.map((r) => r.id));
      sink.ack(rows[1]!.rowid);
      expect(outbox.purgeSent(-1)).toBe(2);
      expect(sink.take(10).rows.map((r) => r.rowid)).toEqual([rows[2]!.rowid, rows[4]!.rowid]);
      // Unsent rows stay whatever the sinks say.
      outbox.append('camera.online', { i: 5 });
      sink.ack(Number.MAX_SAFE_INTEGER);
      expect(outbox.purgeSent(-1)).toBe(3);
      expect(outbox.stats().unsent).toBe(1);
      // A sink far behind holds sent rows back until it is dropped.
      const late = OutboxSink.open(db, 'late', kinds);
      outbox.append('face.recognized', { i: 6 });
      outbox.markSent(outbox.takeBatch(10).map((r) => r.id));
      // (the camera.online row before it was passed: the late sink started after it)
      expect(outbox.purgeSent(-1)).toBe(1);
      expect(late.take(10).rows).toHaveLength(1);
      expect(OutboxSink.drop(db, 'late')).toBe(true);
      expect(OutboxSink.drop(db, 'late')).toBe(false);
      expect(outbox.purgeSent(-1)).toBe(1);
      db.close();
    });

    it('over the quota, compaction may remove rows the sink has not taken yet (counted in outbox.compacted)', () => {
      const { db, outbox } = open(30_000);
      const sink = OutboxSink.open(db, 'viid', kinds);
      const pad = 'p'.repeat(900);
      for (let i = 0; i < 60; i++) outbox.append('face.recognized', { i, pad });
      const left = sink.take(1000).rows.length;
      expect(left).toBeLessThan(60);
      const compacted = outbox.takeBatch(1000).filter((r) => r.kind === 'outbox.compacted');
      const dropped = compacted.reduce((n, r) => n + ((r.data as { byKind: Record<string, number> }).byKind['face.recognized'] ?? 0), 0);
      expect(left + dropped).toBe(60);
      db.close();
    });
  });
});
