/**
 * The SQL of retention (the housekeeping room's storage file): sizes of the growing tables and
 * deletes in small transactions, so the rooms writing events are never held up for long. Table
 * and column names come from retention.ts (TABLES), never from input.
 */
import type { Database } from './database.js';
import type { TableSpec } from './retention.js';

/** Rows deleted per transaction: retention never holds the write lock for long. */
const BATCH = 2000;

/** A table's row count and the mean estimated size of its newest 500 rows (bytes; 0 when empty). */
export function tableSize(db: Database, t: Pick<TableSpec, 'table' | 'bytes'>): { rows: number; avgBytes: number } {
  const r = db
    .prepare<{ n: number; avg: number | null }>(
      `SELECT (SELECT COUNT(*) FROM ${t.table}) AS n, (SELECT AVG(b) FROM (SELECT ${t.bytes} AS b FROM ${t.table} ORDER BY rowid DESC LIMIT 500)) AS avg`,
    )
    .get();
  return { rows: r?.n ?? 0, avgBytes: r?.avg ?? 0 };
}

/** Deletes the rows of `t` older than `cutoff` (ISO 8601, its time column); returns how many. */
export function deleteOlderThan(db: Database, t: Pick<TableSpec, 'table' | 'ts'>, cutoff: string): number {
  return deleteBatched(db, t.table, `${t.ts} < ?`, [cutoff]);
}

/** Deletes alarms resolved before `before` (ISO 8601); open alarms are never deleted. */
export function deleteResolvedAlarms(db: Database, before: string): number {
  return deleteBatched(db, 'alarms', "state = 'resolved' AND resolved_at < ?", [before]);
}

/** Deletes the `rows` oldest rows of `table` (by rowid); returns how many. */
export function deleteOldest(db: Database, table: string, rows: number): number {
  const del = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY rowid LIMIT ?)`);
  let left = rows;
  let total = 0;
  while (left > 0) {
    const n = del.run(Math.min(BATCH, left)).changes;
    total += n;
    left -= n;
    if (n === 0) break;
  }
  return total;
}

function deleteBatched(db: Database, table: string, where: string, params: unknown[]): number {
  const del = db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT ${BATCH})`);
  let total = 0;
  for (;;) {
    const n = del.run(...params).changes;
    total += n;
    if (n < BATCH) return total;
  }
}
