import { monotonicFactory } from 'ulid';
import type { Database, Statement } from './database.js';
import type { Logger } from '../core/logger.js';
import { EVENT_ROW_COLUMNS, eventRow, type EventRow, type OutboxRow, type StoredEventRow } from './outbox-search.js';

export type { OutboxRow } from './outbox-search.js';

/** A row as taken by the relay: `json` is the stored text of `data`, not parsed again. */
export interface OutboxRawRow {
  rowid: number;
  id: string;
  kind: string;
  ts: string;
  seq: number;
  json: string;
}

export interface OutboxStats {
  unsent: number;
  unsentBytes: number;
  quotaBytes: number;
  lastSeq: number;
  compacted: number;
}

export const KIND_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

/**
 * The store-and-forward queue. `append` must run inside the transaction that writes what the
 * event records (use `db.transaction`), so an event exists if and only if its fact does.
 * The relay takes rows in order with `takeBatch` (which fixes their gap-free `seq`) and calls
 * `markSent` on PUBACK. Over the disk quota, the oldest unsent rows of priority >= 1 that were
 * never handed out are deleted and an `outbox.compacted` event counts them.
 */
export class Outbox {
  private readonly db: Database;
  private readonly log: Logger;
  readonly quotaBytes: number;
  private readonly ulid = monotonicFactory();
  private readonly listeners = new Set<() => void>();
  private unsentBytes: number;
  private unsentCount: number;
  private compactedTotal = 0;
  private lastAppendedInTick: string | undefined;
  private readonly insert: Statement;
  private readonly selectUnsent: Statement<{ rowid: number; id: string; kind: string; ts: string; seq: number | null; data: string }>;
  private readonly setSeq: Statement;
  private readonly getMeta: Statement<{ value: string }>;
  private readonly setMeta: Statement;
  private readonly markOne: Statement<{ bytes: number }>;
  private readonly markMany: Statement<{ bytes: number }>;
  private readonly numberRange: Statement;
  private readonly exists: Statement<{ one: number }>;
  private readonly countUnsent: Statement<{ n: number; b: number | null }>;

  constructor(ctx: { db: Database; log: Logger; quotaBytes: number }) {
    this.db = ctx.db;
    this.log = ctx.log;
    this.quotaBytes = ctx.quotaBytes;
    this.insert = this.db.prepare('INSERT INTO outbox(id, kind, ts, priority, data, bytes) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectUnsent = this.db.prepare(
      'SELECT rowid, id, kind, ts, seq, data FROM outbox WHERE sent_at IS NULL AND rowid > ? ORDER BY rowid LIMIT ?',
    );
    this.setSeq = this.db.prepare('UPDATE outbox SET seq = ? WHERE rowid = ?');
    this.getMeta = this.db.prepare('SELECT value FROM meta WHERE key = ?');
    this.setMeta = this.db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.markOne = this.db.prepare('UPDATE outbox SET sent_at = ? WHERE id = ? AND sent_at IS NULL RETURNING bytes');
    // A whole acknowledged window in one statement (the ids as one JSON array).
    this.markMany = this.db.prepare(
      'UPDATE outbox SET sent_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND sent_at IS NULL RETURNING bytes',
    );
    // Numbers the never-numbered unsent rows of a rowid range in rowid order, in one statement.
    this.numberRange = this.db.prepare(
      `UPDATE outbox SET seq = ? + t.rn FROM (
         SELECT rowid AS r, row_number() OVER (ORDER BY rowid) AS rn FROM outbox
         WHERE rowid BETWEEN ? AND ? AND sent_at IS NULL AND seq IS NULL
       ) AS t WHERE outbox.rowid = t.r`,
    );
    this.exists = this.db.prepare('SELECT 1 AS one FROM outbox WHERE id = ?');
    this.countUnsent = this.db.prepare('SELECT COUNT(*) AS n, SUM(bytes) AS b FROM outbox WHERE sent_at IS NULL');
    this.unsentCount = 0;
    this.unsentBytes = 0;
    this.resync();
  }

  /** Recounts the unsent rows from the table (after a rollback, or rows written by another process). */
  resync(): void {
    const row = this.countUnsent.get();
    this.unsentCount = row?.n ?? 0;
    this.unsentBytes = row?.b ?? 0;
  }

  /**
   * Records an event. Call inside the transaction that writes the fact it reports. Rooms publish
   * through EventPublisher (core/publisher.ts), which gives the id and the catalogue's priority
   * (0 never dropped, 1 normal, 2 compacted first).
   */
  append(kind: string, data: unknown, opts: { ts?: Date; priority?: 0 | 1 | 2; id?: string } = {}): { id: string; ts: string } {
    if (!KIND_PATTERN.test(kind)) throw new Error(`invalid event kind ${JSON.stringify(kind)}`);
    const json = JSON.stringify(data ?? null);
    const ts = (opts.ts ?? new Date()).toISOString();
    const id = opts.id ?? this.ulid();
    const bytes = json.length + kind.length + 64;
    const priority = opts.priority ?? 1;
    const outer = this.db.inTransaction;
    const write = () => {
      this.insert.run(id, kind, ts, priority, json, bytes);
      this.unsentBytes += bytes;
      this.unsentCount += 1;
      if (this.unsentBytes > this.quotaBytes && kind !== 'outbox.compacted') this.compact();
    };
    try {
      // Inside the caller's transaction no savepoint is needed: a failure rolls it all back.
      if (outer) write();
      else this.db.transaction(write);
    } catch (err) {
      if (!outer) this.resync();
      throw err;
    }
    if (!outer) this.notify();
    else this.afterOuterTransaction(id);
    return { id, ts };
  }

  /**
   * Wakes the relay once the surrounding transaction(s) of this tick have ended, with one check
   * per tick, not per event: if the last event appended is not in the table, a transaction rolled
   * back and the counters moved for nothing, so they are recounted.
   */
  private afterOuterTransaction(id: string): void {
    const first = this.lastAppendedInTick === undefined;
    this.lastAppendedInTick = id;
    if (!first) return;
    queueMicrotask(() => {
      const last = this.lastAppendedInTick as string;
      this.lastAppendedInTick = undefined;
      try {
        if (!this.exists.get(last)) this.resync();
      } catch {
        return; // the database was closed meanwhile
      }
      this.notify();
    });
  }

  /** Whether an event with this id is in the table (sent or not). */
  has(id: string): boolean {
    return this.exists.get(id) !== undefined;
  }

  /** Called when new rows are committed (the relay waits on it). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The next unsent rows after `afterRowid`, in order, each with its seq (assigned now, in the
   * same order, if the row never had one).
   */
  takeBatch(limit: number, afterRowid = 0): OutboxRow[] {
    return this.takeRawBatch(limit, afterRowid).map((r) => ({
      rowid: r.rowid,
      id: r.id,
      kind: r.kind,
      ts: r.ts,
      seq: r.seq,
      data: JSON.parse(r.json) as unknown,
    }));
  }

  /** As takeBatch, with `data` left as its stored JSON text (the relay splices it into the envelope). */
  takeRawBatch(limit: number, afterRowid = 0): OutboxRawRow[] {
    return this.db.transaction(() => {
      const rows = this.selectUnsent.all(afterRowid, limit);
      let lastSeq: number | undefined;
      let firstNew: number | undefined;
      const out: OutboxRawRow[] = [];
      for (const r of rows) {
        let seq = r.seq;
        if (seq === null) {
          lastSeq ??= Number(this.getMeta.get('last_seq')?.value ?? 0);
          firstNew ??= out.length;
          seq = ++lastSeq;
        }
        out.push({ rowid: r.rowid, id: r.id, kind: r.kind, ts: r.ts, seq, json: r.data });
      }
      if (lastSeq !== undefined && firstNew !== undefined) {
        const fresh = out.length - firstNew;
        const from = out[firstNew] as OutboxRawRow;
        // Every unsent row of the range without a number is in this batch (same transaction, no
        // LIMIT cut inside the range), and both number those rows in rowid order: the same seqs.
        if (fresh > 1) this.numberRange.run(from.seq - 1, from.rowid, (out.at(-1) as OutboxRawRow).rowid);
        else this.setSeq.run(from.seq, from.rowid);
        this.setMeta.run('last_seq', String(lastSeq));
      }
      return out;
    });
  }

  /**
   * Rows already numbered with a seq in [fromSeq, toSeq], in seq order, sent or not, as far as
   * they are still kept (`outbox.keepSentHours`): what a platform that found a gap asks again.
   */
  rawBySeq(fromSeq: number, toSeq: number): OutboxRawRow[] {
    return this.db
      .prepare<OutboxRawRow>('SELECT rowid, id, kind, ts, seq, data AS json FROM outbox WHERE seq BETWEEN ? AND ? ORDER BY seq')
      .all(fromSeq, toSeq);
  }

  /** Marks rows delivered (on PUBACK). Unknown or already-sent ids are ignored. */
  markSent(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const marked =
        ids.length === 1 ? [this.markOne.get(now, ids[0])].filter((r) => r !== undefined) : this.markMany.all(now, JSON.stringify(ids));
      for (const r of marked) {
        this.unsentBytes -= r.bytes;
        this.unsentCount -= 1;
      }
    });
  }

  /**
   * Deletes sent rows older than `olderThanMs`, then the oldest sent rows beyond `maxBytes`, in
   * small transactions. Returns how many. Unsent rows are never touched here (the quota and
   * compaction govern them), nor rows another sink (outbox-sink.ts: a GA/T 1400 platform that is
   * away) has not passed yet.
   */
  purgeSent(olderThanMs: number, maxBytes = Number.POSITIVE_INFINITY): number {
    const cutoff = new Date(Date.now() - olderThanMs).toISOString();
    const floor = this.db.prepare<{ r: number }>('SELECT COALESCE(MIN(acked_rowid), 9e18) AS r FROM outbox_sinks').get()?.r ?? 9e18;
    const batch = 2000;
    let total = 0;
    const byAge = this.db.prepare(
      'DELETE FROM outbox WHERE rowid IN (SELECT rowid FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? AND rowid <= ? LIMIT ?)',
    );
    for (let n = batch; n === batch; total += n) n = byAge.run(cutoff, floor, batch).changes;
    if (Number.isFinite(maxBytes)) {
      const sent = this.db.prepare<{ b: number | null }>('SELECT SUM(bytes) AS b FROM outbox WHERE sent_at IS NOT NULL').get()?.b ?? 0;
      let over = sent - maxBytes;
      const oldest = this.db.prepare<{ rowid: number; bytes: number }>(
        'SELECT rowid, bytes FROM outbox WHERE sent_at IS NOT NULL AND rowid <= ? ORDER BY rowid LIMIT ?',
      );
      const del = this.db.prepare('DELETE FROM outbox WHERE rowid = ?');
      while (over > 0) {
        const rows = oldest.all(floor, batch);
        if (rows.length === 0) break;
        this.db.transaction(() => {
          for (const r of rows) {
            if (over <= 0) break;
            del.run(r.rowid);
            over -= r.bytes;
            total++;
          }
        });
      }
    }
    return total;
  }

  /** The newest events (sent or not), newest first, for the console and `sharpeyes events`. */
  recent(limit: number, afterRowid = 0): EventRow[] {
    return this.db
      .prepare<StoredEventRow>(`SELECT ${EVENT_ROW_COLUMNS} FROM outbox WHERE rowid > ? ORDER BY rowid DESC LIMIT ?`)
      .all(afterRowid, limit)
      .map(eventRow);
  }

  stats(): OutboxStats {
    // Exact even when another process wrote or sent rows (a count over the partial index).
    this.resync();
    return {
      unsent: this.unsentCount,
      unsentBytes: this.unsentBytes,
      quotaBytes: this.quotaBytes,
      lastSeq: Number(this.getMeta.get('last_seq')?.value ?? 0),
      compacted: this.compactedTotal,
    };
  }

  /** Drops the oldest droppable unsent rows until under 90% of the quota; records the count. */
  private compact(): void {
    const target = this.quotaBytes * 0.9;
    const victims = this.db
      .prepare<{ rowid: number; kind: string; bytes: number }>(
        'SELECT rowid, kind, bytes FROM outbox WHERE sent_at IS NULL AND seq IS NULL AND priority >= 1 ORDER BY priority DESC, rowid LIMIT 5000',
      )
      .all();
    const byKind: Record<string, number> = {};
    let dropped = 0;
    const del = this.db.prepare('DELETE FROM outbox WHERE rowid = ?');
    for (const v of victims) {
      if (this.unsentBytes <= target) break;
      del.run(v.rowid);
      this.unsentBytes -= v.bytes;
      this.unsentCount -= 1;
      byKind[v.kind] = (byKind[v.kind] ?? 0) + 1;
      dropped++;
    }
    if (dropped > 0) {
      this.compactedTotal += dropped;
      this.append(
        'outbox.compacted',
        { dropped, byKind, quotaBytes: this.quotaBytes, totalCompacted: this.compactedTotal },
        { priority: 0 },
      );
      this.log.warn({ dropped, byKind }, 'outbox over its disk quota: low-priority events compacted');
    } else if (this.unsentBytes > this.quotaBytes) {
      this.log.warn(
        { unsentBytes: this.unsentBytes, quotaBytes: this.quotaBytes },
        'outbox over its disk quota with only never-dropped events; keeping them',
      );
    }
  }

  private notify(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.log.error({ err }, 'outbox listener failed');
      }
    }
  }
}
