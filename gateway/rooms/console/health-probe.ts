import type { Database } from '../../store/database.js';

/**
 * The store's write probe behind the console's health answer: one row of the meta table
 * (migration 001-outbox.sql) rewritten with the time. Throws when the store refuses writes.
 */
export function writeHealthProbe(db: Database, at: Date): void {
  db.prepare("INSERT INTO meta(key, value) VALUES ('console_health_probe', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(
    at.toISOString(),
  );
}
