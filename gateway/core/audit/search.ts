import type { Database } from '../../store/database.js';

/** Filters of the console's audit page; every one optional. */
export interface AuditFilter {
  /** Who (exact account or platform operator name). */
  by?: string;
  /** Action name, or a prefix ending in "/" (users/). */
  action?: string;
  channel?: 'platform' | 'console' | 'cli' | 'system';
  ok?: boolean;
  /** ISO times, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  /** Only rows older than this rowid (paging). */
  before?: number;
  limit: number;
}

export interface AuditRow {
  rowid: number;
  id: string;
  ts: string;
  action: string;
  channel: string;
  by: string;
  ok: boolean;
  code: string | null;
  input: unknown;
  error: string | null;
}

/** The audit log newest first, filtered (parameterised SQL; the ts index serves time ranges). */
export function searchAudit(db: Database, f: AuditFilter): AuditRow[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (clause: string, value: string | number) => {
    where.push(clause);
    args.push(value);
  };
  if (f.by) add('by = ?', f.by);
  if (f.action?.endsWith('/')) add("action LIKE ? ESCAPE '\\'", `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  else if (f.action) add('action = ?', f.action);
  if (f.channel) add('channel = ?', f.channel);
  if (f.ok !== undefined) add('ok = ?', f.ok ? 1 : 0);
  if (f.from) add('ts >= ?', f.from);
  if (f.to) add('ts < ?', f.to);
  if (f.before) add('rowid < ?', f.before);
  const sql = `SELECT rowid, id, ts, action, channel, by, ok, code, detail FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY rowid DESC LIMIT ?`;
  const rows = db
    .prepare<{
      rowid: number;
      id: string;
      ts: string;
      action: string;
      channel: string;
      by: string;
      ok: number;
      code: string | null;
      detail: string;
    }>(sql)
    .all(...args, f.limit);
  return rows.map((r) => {
    let detail: { input?: unknown; error?: string } = {};
    try {
      detail = JSON.parse(r.detail) as typeof detail;
    } catch {
      /* a damaged row still lists */
    }
    return {
      rowid: r.rowid,
      id: r.id,
      ts: r.ts,
      action: r.action,
      channel: r.channel,
      by: r.by,
      ok: r.ok === 1,
      code: r.code,
      input: detail.input ?? null,
      error: detail.error ?? null,
    };
  });
}

/** The audit page's query string → a filter (unknown values dropped, bounded). */
export function parseAuditFilter(params: URLSearchParams): AuditFilter {
  const text = (k: string) => params.get(k)?.trim().slice(0, 100) || undefined;
  const time = (k: string) => {
    const v = text(k);
    const t = v === undefined ? NaN : Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  };
  const f: AuditFilter = { limit: Math.min(500, Math.max(1, Number(params.get('limit') ?? 100) || 100)) };
  const by = text('by');
  if (by) f.by = by;
  const action = text('action');
  if (action) f.action = action;
  const channel = text('channel');
  if (channel === 'platform' || channel === 'console' || channel === 'cli' || channel === 'system') f.channel = channel;
  const ok = text('ok');
  if (ok === 'true' || ok === 'false') f.ok = ok === 'true';
  const from = time('from');
  if (from) f.from = from;
  const to = time('to');
  if (to) f.to = to;
  const before = Number(params.get('before'));
  if (Number.isInteger(before) && before > 0) f.before = before;
  return f;
}
