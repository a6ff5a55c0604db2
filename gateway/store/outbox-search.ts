import type { Database } from './database.js';

/**
 * Searching what the box still holds of its events (the outbox: unsent events, and sent ones
 * kept for outbox.keepSentHours), filters run in SQLite; the console's events page and
 * Outbox.recent read rows through the same mapping.
 */
export interface EventFilter {
  kind?: string;
  /** Gate or device id (gateId / deviceId). */
  gate?: string;
  /** Resident id or name, part of it (residentId, subjectId, name, label). */
  person?: string;
  /** Plate, part of it (plate, label, the matched vehicle's plate). */
  plate?: string;
  /** ISO 8601 bounds on the event time. */
  from?: string;
  to?: string;
  /** Only rows older than this rowid (paging). */
  before?: number;
  limit: number;
}

/** An outbox row with whether it has reached the broker. */
/** One event as stored; the cloud bridge wraps it in the published envelope. */
export interface OutboxRow {
  rowid: number;
  id: string;
  kind: string;
  ts: string;
  seq: number;
  data: unknown;
}

export type EventRow = OutboxRow & { sent: boolean };

/** The columns an EventRow is read from, and the row as SQLite returns it. */
export const EVENT_ROW_COLUMNS = 'rowid, id, kind, ts, seq, data, sent_at';
export interface StoredEventRow {
  rowid: number;
  id: string;
  kind: string;
  ts: string;
  seq: number | null;
  data: string;
  sent_at: string | null;
}

export function eventRow(r: StoredEventRow): EventRow {
  return {
    rowid: r.rowid,
    id: r.id,
    kind: r.kind,
    ts: r.ts,
    seq: r.seq ?? 0,
    data: JSON.parse(r.data) as unknown,
    sent: r.sent_at !== null,
  };
}

export function searchOutbox(db: Database, f: EventFilter): EventRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.kind) {
    // "alarm" matches every alarm.* kind; "face.recognized" exactly that one.
    where.push(f.kind.includes('.') ? 'kind = ?' : "(kind = ? OR kind LIKE ? || '.%')");
    args.push(f.kind, ...(f.kind.includes('.') ? [] : [f.kind]));
  }
  if (f.gate) {
    where.push("(json_extract(data, '$.gateId') = ? OR json_extract(data, '$.deviceId') = ?)");
    args.push(f.gate, f.gate);
  }
  if (f.person) {
    where.push(
      "(instr(lower(coalesce(json_extract(data, '$.residentId'), '') || ' ' || coalesce(json_extract(data, '$.subjectId'), '') || ' ' || coalesce(json_extract(data, '$.name'), '') || ' ' || coalesce(json_extract(data, '$.label'), '')), lower(?)) > 0)",
    );
    args.push(f.person);
  }
  if (f.plate) {
    where.push(
      "(instr(upper(replace(coalesce(json_extract(data, '$.plate'), '') || ' ' || coalesce(json_extract(data, '$.label'), '') || ' ' || coalesce(json_extract(data, '$.vehicle.plate'), ''), '·', '')), upper(replace(?, '·', ''))) > 0)",
    );
    args.push(f.plate);
  }
  if (f.from) {
    where.push('ts >= ?');
    args.push(f.from);
  }
  if (f.to) {
    where.push('ts <= ?');
    args.push(f.to);
  }
  if (f.before) {
    where.push('rowid < ?');
    args.push(f.before);
  }
  const sql = `SELECT ${EVENT_ROW_COLUMNS} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ?`;
  return db
    .prepare<StoredEventRow>(sql)
    .all(...args, f.limit)
    .map(eventRow);
}
