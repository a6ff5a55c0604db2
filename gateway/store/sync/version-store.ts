/**
 * The versions of synchronised records in SQLite (table sync_versions, migration 021). Every
 * versioned change checks and records its version in the same transaction as the change itself
 * (`applyVersioned`), so two requests racing, or the daemon and `residents import --offline`
 * writing at once, can never let an older version win.
 */
import type { Database, Statement } from '../database.js';
import { answer, judge, type HeldVersion, type SyncAnswer, type SyncOp } from './versions.js';

/** membership: key `groupId|residentId` (a group's member; a tombstone when they left). */
export type SyncEntity = 'resident' | 'vehicle' | 'watchlist' | 'group' | 'membership';

export class SyncVersions {
  private readonly getRow: Statement<{ version: number; deleted_at: string | null }>;
  private readonly put: Statement;
  private readonly tombstone: Statement;
  private readonly purge: Statement;

  /**
   * `events`: the publisher whose pending events are recorded before each versioned transaction
   * (a change that commits an event inside it must not record other events in a transaction
   * that could still roll back).
   */
  constructor(
    private readonly db: Database,
    private readonly events?: { flush(): void },
  ) {
    this.getRow = db.prepare('SELECT version, deleted_at FROM sync_versions WHERE entity = ? AND key = ?');
    this.put = db.prepare(
      `INSERT INTO sync_versions(entity, key, version, deleted_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(entity, key) DO UPDATE SET version = excluded.version, deleted_at = excluded.deleted_at, updated_at = excluded.updated_at`,
    );
    this.tombstone = db.prepare(
      'UPDATE sync_versions SET deleted_at = ?, updated_at = ? WHERE entity = ? AND key = ? AND deleted_at IS NULL',
    );
    this.purge = db.prepare('DELETE FROM sync_versions WHERE deleted_at IS NOT NULL AND deleted_at < ?');
  }

  get(entity: SyncEntity, key: string): HeldVersion | undefined {
    const r = this.getRow.get(entity, key);
    return r ? { version: r.version, deleted: r.deleted_at !== null } : undefined;
  }

  /** Live versions of one entity, by key (for lists: what the platform last sent). */
  liveVersions(entity: SyncEntity): Map<string, number> {
    const rows = this.db
      .prepare<{ key: string; version: number }>('SELECT key, version FROM sync_versions WHERE entity = ? AND deleted_at IS NULL')
      .all(entity);
    return new Map(rows.map((r) => [r.key, r.version]));
  }

  /**
   * Judges a versioned change and, when it applies, runs `apply` and records the version, in one
   * transaction (`apply` may throw to refuse it: nothing is recorded then).
   */
  applyVersioned<T>(
    entity: SyncEntity,
    key: string,
    op: SyncOp,
    version: number,
    apply: () => T,
    now = new Date(),
  ): SyncAnswer & { result?: T } {
    this.events?.flush();
    return this.db.transaction(() => {
      const held = this.get(entity, key);
      const outcome = judge(held, op, version);
      if (outcome !== 'applied') return answer(outcome, held, op, version);
      const ts = now.toISOString();
      this.put.run(entity, key, version, op === 'delete' ? ts : null, ts);
      const result = apply();
      return { ...answer(outcome, held, op, version), result };
    });
  }

  /**
   * A record removed by hand (console, CLI, watchlist/set): it is held as deleted at the version
   * it had, so a replay of the platform's last upsert does not bring it back; a newer one does.
   */
  markDeleted(entity: SyncEntity, key: string, now = new Date()): void {
    const ts = now.toISOString();
    this.tombstone.run(ts, ts, entity, key);
  }

  /** Every live versioned key of `entity` that is not in `present` is marked deleted (after a whole-list replace). */
  markMissingDeleted(entity: SyncEntity, present: ReadonlySet<string>, now = new Date()): void {
    for (const key of this.liveVersions(entity).keys()) if (!present.has(key)) this.markDeleted(entity, key, now);
  }

  /** Forgets tombstones older than `maxAgeMs`; returns how many. */
  purgeTombstones(maxAgeMs: number, now = new Date()): number {
    return this.purge.run(new Date(now.getTime() - maxAgeMs).toISOString()).changes;
  }
}
