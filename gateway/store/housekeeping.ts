import type { GatewayContext } from '../core/context.js';
import type { Room, Scope } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { SyncVersions } from '../sync/version-store.js';
import { errMessage } from '../core/errors.js';
import { rowsOverBudget, TABLES } from './retention.js';

/** Rows deleted per transaction: retention never holds the write lock for long. */
const BATCH = 2000;
const HOUR_MS = 3600_000;

/**
 * Keeps the store bounded, at start and hourly: every growing table by age and by size
 * (store.retention), sent outbox rows by age and size (outbox.keepSentHours, keepSentMb), and
 * resolved alarms by age (alarms.keepResolvedDays), and sync tombstones after sync.tombstoneDays. Deletes run in small transactions, so the
 * rooms writing events are never held up for long.
 */
export class HousekeepingRoom implements Room {
  readonly name = 'store';
  private readonly log: Logger;

  constructor(private readonly ctx: GatewayContext) {
    this.log = componentLogger(ctx.log, 'store');
  }

  async start(scope: Scope): Promise<void> {
    this.run();
    scope.every(HOUR_MS, () => void this.run());
  }

  /** One pass over everything; returns the rows deleted per table (tests, logs). */
  run(now = Date.now()): Record<string, number> {
    const { config } = this.ctx.loaded;
    const deleted: Record<string, number> = {};
    const count = (name: string, n: number) => {
      if (n > 0) deleted[name] = (deleted[name] ?? 0) + n;
    };
    for (const t of TABLES) {
      const limit = config.store.retention[t.key];
      try {
        const cutoff = new Date(now - limit.keepDays * 86_400_000).toISOString();
        count(t.table, this.deleteWhere(t.table, `${t.ts} < ?`, [cutoff]));
        const { n, avg } = this.ctx.db
          .prepare<{ n: number; avg: number | null }>(
            `SELECT (SELECT COUNT(*) FROM ${t.table}) AS n, (SELECT AVG(b) FROM (SELECT ${t.bytes} AS b FROM ${t.table} ORDER BY rowid DESC LIMIT 500)) AS avg`,
          )
          .get() ?? { n: 0, avg: null };
        const over = rowsOverBudget(n, avg ?? 0, limit.maxMb * 1024 * 1024);
        if (over > 0) count(t.table, this.deleteOldest(t.table, over));
      } catch (err) {
        this.log.error({ table: t.table, err: errMessage(err) }, 'retention failed for a table; trying again next hour');
      }
    }
    try {
      const out = config.outbox;
      count('outbox (sent)', this.ctx.outbox.purgeSent(out.keepSentHours * HOUR_MS, out.keepSentMb * 1024 * 1024));
      const resolvedBefore = new Date(now - config.alarms.keepResolvedDays * 86_400_000).toISOString();
      count('alarms (resolved)', this.deleteWhere('alarms', "state = 'resolved' AND resolved_at < ?", [resolvedBefore]));
      count('sync tombstones', new SyncVersions(this.ctx.db).purgeTombstones(config.sync.tombstoneDays * 86_400_000, new Date(now)));
    } catch (err) {
      this.log.error({ err: errMessage(err) }, 'retention failed; trying again next hour');
    }
    if (Object.keys(deleted).length) this.log.info({ deleted }, 'retention: old rows deleted');
    return deleted;
  }

  private deleteWhere(table: string, where: string, params: unknown[]): number {
    const del = this.ctx.db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${BATCH})`);
    let total = 0;
    for (;;) {
      const n = del.run(...params).changes;
      total += n;
      if (n < BATCH) return total;
    }
  }

  private deleteOldest(table: string, rows: number): number {
    let left = rows;
    let total = 0;
    while (left > 0) {
      const n = this.ctx.db
        .prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY rowid LIMIT ?)`)
        .run(Math.min(BATCH, left)).changes;
      total += n;
      left -= n;
      if (n === 0) break;
    }
    return total;
  }
}
