import type { GatewayContext } from '../core/context.js';
import type { Room, Scope } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { SyncVersions } from './sync/version-store.js';
import { errMessage } from '../core/errors.js';
import { rowsOverBudget, TABLES } from './retention.js';
import { deleteOldest, deleteOlderThan, deleteResolvedAlarms, tableSize } from './retention-store.js';

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
        count(t.table, deleteOlderThan(this.ctx.db, t, cutoff));
        const { rows, avgBytes } = tableSize(this.ctx.db, t);
        const over = rowsOverBudget(rows, avgBytes, limit.maxMb * 1024 * 1024);
        if (over > 0) count(t.table, deleteOldest(this.ctx.db, t.table, over));
      } catch (err) {
        this.log.error({ table: t.table, err: errMessage(err) }, 'retention failed for a table; trying again next hour');
      }
    }
    try {
      const out = config.outbox;
      count('outbox (sent)', this.ctx.outbox.purgeSent(out.keepSentHours * HOUR_MS, out.keepSentMb * 1024 * 1024));
      const resolvedBefore = new Date(now - config.alarms.keepResolvedDays * 86_400_000).toISOString();
      count('alarms (resolved)', deleteResolvedAlarms(this.ctx.db, resolvedBefore));
      count('sync tombstones', new SyncVersions(this.ctx.db).purgeTombstones(config.sync.tombstoneDays * 86_400_000, new Date(now)));
    } catch (err) {
      this.log.error({ err: errMessage(err) }, 'retention failed; trying again next hour');
    }
    if (Object.keys(deleted).length) this.log.info({ deleted }, 'retention: old rows deleted');
    return deleted;
  }
}
