import type { Database, Statement } from './database.js';

/** A row as a sink reads it: `json` is the stored text of `data`. */
export interface SinkRow {
  rowid: number;
  id: string;
  kind: string;
  ts: string;
  json: string;
}

/**
 * A second consumer of the outbox (the MQTT relay is the first; it keeps `outbox.sent_at`), with
 * its own acknowledged position over the kinds it takes, kept in `outbox_sinks`:
 *
 * - A sink opened for the first time starts at the current end of the outbox: it does not replay
 *   history. Afterwards it resumes where it stopped, across restarts.
 * - `take` reads the rows of its kinds after a position, in rowid (= append) order; `ack` moves
 *   the position forward (never back). Rows of other kinds are passed over by `ack(scannedTo)`.
 * - `Outbox.purgeSent` deletes a sent row only once every sink's position has passed it, so a
 *   sink whose platform is away keeps its rows (they are small JSON: pictures stay in the
 *   snapshot store, under its own retention).
 * - Over the disk quota, compaction deletes unsent low/normal-priority rows never handed to the
 *   MQTT relay, whether or not a sink has taken them: a sink never sees a row compacted before it
 *   took it; the `outbox.compacted` event counts them per kind.
 * - `drop` forgets a sink that is no longer configured, so it stops holding rows back.
 */
export class OutboxSink {
  private readonly selectPos: Statement<{ acked_rowid: number }>;
  private readonly setPos: Statement;
  private readonly selectRows: Statement<SinkRow>;
  private readonly maxRowid: Statement<{ m: number | null }>;
  private readonly countAfter: Statement<{ n: number }>;

  private constructor(
    private readonly db: Database,
    readonly name: string,
    readonly kinds: readonly string[],
  ) {
    const inKinds = `kind IN (${kinds.map(() => '?').join(', ')})`;
    this.selectPos = db.prepare('SELECT acked_rowid FROM outbox_sinks WHERE name = ?');
    this.setPos = db.prepare('UPDATE outbox_sinks SET acked_rowid = MAX(acked_rowid, ?) WHERE name = ?');
    this.selectRows = db.prepare(
      `SELECT rowid, id, kind, ts, data AS json FROM outbox WHERE rowid > ? AND ${inKinds} ORDER BY rowid LIMIT ?`,
    );
    this.maxRowid = db.prepare('SELECT MAX(rowid) AS m FROM outbox');
    this.countAfter = db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE rowid > ? AND ${inKinds}`);
  }

  /** Opens (or creates, at the current end of the outbox) the sink `name` taking `kinds`. */
  static open(db: Database, name: string, kinds: readonly string[]): OutboxSink {
    if (kinds.length === 0) throw new Error(`outbox sink ${name}: no kinds to take`);
    db.prepare(
      `INSERT INTO outbox_sinks(name, acked_rowid, created_at)
       VALUES (?, (SELECT COALESCE(MAX(rowid), 0) FROM outbox), ?) ON CONFLICT(name) DO NOTHING`,
    ).run(name, new Date().toISOString());
    return new OutboxSink(db, name, kinds);
  }

  /** Forgets the sink `name` (no longer configured). Returns whether it existed. */
  static drop(db: Database, name: string): boolean {
    return db.prepare('DELETE FROM outbox_sinks WHERE name = ?').run(name).changes > 0;
  }

  /** Every row up to this rowid is done for this sink. */
  get position(): number {
    return this.selectPos.get(this.name)?.acked_rowid ?? 0;
  }

  /**
   * Up to `limit` rows of the sink's kinds after `afterRowid` (default: its position), in order.
   * `scannedTo` is how far the outbox was read: the last row returned, or the end of the outbox
   * when fewer than `limit` matched (so the rows of other kinds in between can be passed over).
   */
  take(limit: number, afterRowid = this.position): { rows: SinkRow[]; scannedTo: number } {
    return this.db.transaction(() => {
      const rows = this.selectRows.all(afterRowid, ...this.kinds, limit);
      const scannedTo = rows.length >= limit ? (rows.at(-1) as SinkRow).rowid : Math.max(afterRowid, this.maxRowid.get()?.m ?? 0);
      return { rows, scannedTo };
    });
  }

  /** Moves the position forward to `rowid` (a lower value changes nothing). */
  ack(rowid: number): void {
    this.setPos.run(rowid, this.name);
  }

  /** Rows of the sink's kinds not yet acknowledged. */
  backlog(): number {
    return this.countAfter.get(this.position, ...this.kinds)?.n ?? 0;
  }
}
