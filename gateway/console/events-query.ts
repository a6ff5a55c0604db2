import type { Database } from '../store/database.js';

/**
 * The events page's search over what the box still holds (the outbox: unsent events, and sent
 * ones for outbox.keepSentHours). Reads the outbox table (read-only) so filters run in SQLite.
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

export interface EventRow {
  rowid: number;
  id: string;
  kind: string;
  ts: string;
  seq: number;
  data: unknown;
  sent: boolean;
}

export function parseFilter(params: URLSearchParams): EventFilter {
  const text = (k: string) => {
    const v = params.get(k)?.trim();
    return v ? v.slice(0, 100) : undefined;
  };
  const time = (k: string) => {
    const v = text(k);
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  };
  const before = Number(params.get('before'));
  const f: EventFilter = { limit: Math.min(500, Math.max(1, Number(params.get('limit') ?? 100) || 100)) };
  for (const k of ['kind', 'gate', 'person', 'plate'] as const) {
    const v = text(k);
    if (v) f[k] = v;
  }
  for (const k of ['from', 'to'] as const) {
    const v = time(k);
    if (v) f[k] = v;
  }
  if (Number.isInteger(before) && before > 0) f.before = before;
  return f;
}

export function queryEvents(db: Database, f: EventFilter): EventRow[] {
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
  const sql = `SELECT rowid, id, kind, ts, seq, data, sent_at FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ?`;
  return db
    .prepare<{ rowid: number; id: string; kind: string; ts: string; seq: number | null; data: string; sent_at: string | null }>(sql)
    .all(...args, f.limit)
    .map((r) => ({
      rowid: r.rowid,
      id: r.id,
      kind: r.kind,
      ts: r.ts,
      seq: r.seq ?? 0,
      data: JSON.parse(r.data) as unknown,
      sent: r.sent_at !== null,
    }));
}
