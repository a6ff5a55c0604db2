import { z } from 'zod';
import type { Database, Statement } from '../../store/database.js';
import type { ActionTable } from '../../core/actions.js';
import { SyncVersions } from '../../store/sync/version-store.js';
import { normalisePlate, PROVINCES } from '../../lib/plate-text/grammar.js';
import { lookalikeKey } from '../../lib/plate-text/lookalike.js';

/** A subject written like a plate (province first, 7 or 8 characters once separators are dropped). */
function plateKeyOf(subject: string): string | undefined {
  const p = normalisePlate(subject);
  const chars = [...p];
  return chars.length >= 7 && chars.length <= 8 && PROVINCES.includes(chars[0] as string) ? lookalikeKey(p) : undefined;
}

/**
 * The platform's watchlist (deny list): resident/visitor ids or plates that must not be let in.
 * Kept in SQLite so it survives restarts and works offline; synced whole by `watchlist/set`, or
 * entry by entry with versions by `watchlist/upsert` and `watchlist/delete` (watchlist-sync.ts).
 */
export class Watchlist {
  private cache = new Set<string>();
  /** Look-alike keys of the plates on the list, so a check is one lookup whatever its size. */
  private plateKeys = new Set<string>();
  private readonly all: Statement<{ subject: string; reason: string; added_at: string }>;

  /** The platform versions of entries synchronised one by one. */
  readonly versions: SyncVersions;

  constructor(private readonly db: Database) {
    this.all = db.prepare('SELECT subject, reason, added_at FROM access_watchlist ORDER BY subject');
    this.versions = new SyncVersions(db);
    this.reload();
  }

  get subjects(): ReadonlySet<string> {
    return this.cache;
  }

  /**
   * Whether a plate is on the list, as written or with look-alike glyphs (0/O/D, 8/B...): a
   * listed 粤B8O123 refuses 粤BB0123 and 粤B80123. Any number of look-alikes counts: refusing is the
   * safe side.
   */
  deniesPlate(plate: string): boolean {
    const key = plateKeyOf(plate);
    return key !== undefined && this.plateKeys.has(key);
  }

  list(): Array<{ subject: string; reason: string; addedAt: string }> {
    return this.all.all().map((r) => ({ subject: r.subject, reason: r.reason, addedAt: r.added_at }));
  }

  /** Replaces the whole list in one transaction (the platform's sync). */
  replace(entries: ReadonlyArray<{ subject: string; reason: string }>): number {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM access_watchlist').run();
      const ins = this.db.prepare('INSERT OR REPLACE INTO access_watchlist(subject, reason, added_at) VALUES (?, ?, ?)');
      for (const e of entries) ins.run(e.subject, e.reason, now);
      // Entries synchronised one by one and left out of the whole list are held as deleted.
      this.versions.markMissingDeleted('watchlist', new Set(entries.map((e) => e.subject)));
    });
    this.reload();
    return this.cache.size;
  }

  get(subject: string): { subject: string; reason: string; addedAt: string } | undefined {
    const r = this.db
      .prepare<{ subject: string; reason: string; added_at: string }>(
        'SELECT subject, reason, added_at FROM access_watchlist WHERE subject = ?',
      )
      .get(subject);
    return r && { subject: r.subject, reason: r.reason, addedAt: r.added_at };
  }

  /** Adds or replaces one entry (call inside the versioned transaction; `reload` after it committed). */
  put(subject: string, reason: string): void {
    this.db
      .prepare(
        'INSERT INTO access_watchlist(subject, reason, added_at) VALUES (?, ?, ?) ON CONFLICT(subject) DO UPDATE SET reason = excluded.reason',
      )
      .run(subject, reason, new Date().toISOString());
  }

  /** Removes one entry; returns whether there was one (call inside the versioned transaction). */
  delete(subject: string): boolean {
    return this.db.prepare('DELETE FROM access_watchlist WHERE subject = ?').run(subject).changes > 0;
  }

  /** Re-reads the list the gate decisions use. */
  reload(): void {
    this.cache = new Set(this.all.all().map((r) => r.subject));
    this.plateKeys = new Set([...this.cache].flatMap((s) => plateKeyOf(s) ?? []));
  }
}

export function registerWatchlistActions(actions: ActionTable, watchlist: () => Watchlist): void {
  actions.register('watchlist/set', {
    role: 'operator',
    description: 'Replaces the watchlist: resident/visitor ids or plates that are refused at every gate (the platform syncs it whole).',
    input: z.strictObject({
      entries: z.array(z.strictObject({ subject: z.string().min(1).max(64), reason: z.string().max(200).default('') })).max(100_000),
    }),
    handle: ({ entries }) => ({ count: watchlist().replace(entries) }),
  });
  actions.register('watchlist/get', {
    role: 'viewer',
    description: 'The current watchlist.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ entries: watchlist().list() }),
  });
}
