/**
 * From CSV records to the residents/upsert requests of an import: which column is which
 * (English or Chinese headers), and each row checked before anything is sent, so a refusal
 * names the line and the field. Pure.
 *
 * Columns (header names are case-insensitive; unknown columns are ignored and reported):
 *   id (编号)            the person's id: letters, digits, "_", "-", "." (required)
 *   name (姓名)          the name shown in events (required)
 *   kind (类型)          resident | visitor (住户 | 访客); default resident
 *   photo (照片)         photo file names in --photos DIR, several separated by ";" (one template
 *                        per usable photo; a refused photo is reported, the others are kept)
 *   validFrom (生效时间)  visitors: start of the pass
 *   validUntil (失效时间) visitors: end of the pass (required for visitors)
 *   hostId (被访住户)     visitors: the resident they visit (required for visitors)
 *   building (楼栋)       building, unit (单元), room (房号), phone (电话): optional
 *   groups (门禁组)       access group ids, several separated by ";" (replaces the memberships)
 *   gates (通行门)        visitors: the gates the pass is for, separated by ";"
 *   version (版本)        the record's version (an integer, default 1): a row is applied only
 *                        when newer than what the box holds, so re-running an import skips
 *                        what is already there
 * Times: ISO 8601 with a zone (2026-11-24T18:00:00+08:00), or a local time of the machine
 * running the import: "2026-11-24 18:00", "2026/11/24 18:00:30"; a date alone is the start of
 * that day for validFrom and the end of it for validUntil.
 */
import { RESIDENT_ID } from '../../rooms/faces/store/resident-store.js';
import type { PersonKind } from '../../rooms/faces/visitors/pass.js';
import type { CsvRecord } from './csv.js';

export const COLUMNS = {
  id: ['id', '编号', '人员编号', '住户编号'],
  name: ['name', '姓名', '名字'],
  kind: ['kind', 'type', '类型', '身份'],
  photo: ['photo', 'photos', '照片', '照片文件'],
  validFrom: ['validfrom', 'valid_from', '生效时间', '开始时间'],
  validUntil: ['validuntil', 'valid_until', '失效时间', '截止时间', '结束时间'],
  hostId: ['hostid', 'host_id', 'host', '被访住户', '被访人编号'],
  version: ['version', '版本'],
  building: ['building', '楼栋', '楼号', '楼'],
  unit: ['unit', '单元'],
  room: ['room', '房号', '房间', '室'],
  phone: ['phone', '电话', '手机', '联系电话'],
  groups: ['groups', 'group', '门禁组', '权限组', '通行组'],
  gates: ['gates', '通行门', '可通行门'],
} as const;
export type Column = keyof typeof COLUMNS;

export interface Header {
  index: Partial<Record<Column, number>>;
  /** Header cells that name no known column (ignored). */
  unknown: string[];
}

/** Why a row is not sent; the message is written by messages.ts in the user's language. */
export type RowProblem =
  | { code: 'missing'; column: Column }
  | { code: 'bad_id'; value: string }
  | { code: 'bad_kind'; value: string }
  | { code: 'bad_time'; column: 'validFrom' | 'validUntil'; value: string }
  | { code: 'bad_version'; value: string }
  | { code: 'too_many_photos'; count: number; max: number }
  | { code: 'bad_detail'; column: 'building' | 'unit' | 'room' | 'phone' | 'groups'; value: string }
  | { code: 'duplicate_id'; firstLine: number };

export interface ImportRow {
  line: number;
  id: string;
  name: string;
  version: number;
  photos: string[];
  kind?: PersonKind;
  validFrom?: string;
  validUntil?: string;
  hostId?: string;
  building?: string;
  unit?: string;
  room?: string;
  phone?: string;
  groups?: string[];
  gates?: string[];
}

export type RowPlan = { ok: true; row: ImportRow } | { ok: false; line: number; id: string; problem: RowProblem };

const norm = (s: string) =>
  s
    .trim()
    .replace(/[\s\u3000]+/g, '')
    .toLowerCase();

export class HeaderError extends Error {
  constructor(readonly missing: Column[]) {
    super(`the header has no ${missing.join(', ')} column`);
    this.name = 'HeaderError';
  }
}

export function readHeader(fields: readonly string[]): Header {
  const index: Partial<Record<Column, number>> = {};
  const unknown: string[] = [];
  fields.forEach((cell, i) => {
    const n = norm(cell);
    const col = (Object.keys(COLUMNS) as Column[]).find((c) => (COLUMNS[c] as readonly string[]).includes(n));
    if (col && index[col] === undefined) index[col] = i;
    else if (n !== '') unknown.push(cell.trim());
  });
  const missing = (['id', 'name'] as const).filter((c) => index[c] === undefined);
  if (missing.length) throw new HeaderError(missing);
  return { index, unknown };
}

const KINDS: Record<string, PersonKind> = {
  resident: 'resident',
  住户: 'resident',
  居民: 'resident',
  业主: 'resident',
  visitor: 'visitor',
  访客: 'visitor',
  来访: 'visitor',
};

const LOCAL_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An ISO 8601 instant for a CSV time cell, or undefined when it cannot be read. */
export function readTime(value: string, end: boolean): string | undefined {
  const v = value.trim();
  if (ISO_ZONED.test(v)) {
    const t = new Date(v);
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  }
  const m = LOCAL_TIME.exec(v);
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x))) as [
    number,
    number,
    number,
    number | undefined,
    number | undefined,
    number | undefined,
  ];
  const daysInMonth = new Date(y, mo, 0).getDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || (h ?? 0) > 23 || (mi ?? 0) > 59 || (sec ?? 0) > 59) return undefined;
  const dateOnly = h === undefined;
  const t = new Date(y, mo - 1, d + (dateOnly && end ? 1 : 0), h ?? 0, mi ?? 0, sec ?? 0);
  return t.toISOString();
}

/** Checks every row; a second row with the same id is refused (a hand-made file's slip, not a history). */
export function planRows(records: readonly CsvRecord[], header: Header, opts: { maxPhotos: number }): RowPlan[] {
  const seen = new Map<string, number>();
  const cell = (r: CsvRecord, c: Column) => {
    const i = header.index[c];
    return i === undefined ? '' : (r.fields[i] ?? '').trim();
  };
  return records.map((r): RowPlan => {
    const id = cell(r, 'id');
    const refuse = (problem: RowProblem): RowPlan => ({ ok: false, line: r.line, id, problem });
    if (!id) return refuse({ code: 'missing', column: 'id' });
    if (!RESIDENT_ID.test(id)) return refuse({ code: 'bad_id', value: id });
    const first = seen.get(id);
    if (first !== undefined) return refuse({ code: 'duplicate_id', firstLine: first });
    seen.set(id, r.line);
    const name = cell(r, 'name');
    if (!name) return refuse({ code: 'missing', column: 'name' });
    const row: ImportRow = { line: r.line, id, name: name.slice(0, 100), version: 1, photos: [] };
    const kind = cell(r, 'kind');
    if (kind) {
      const k = KINDS[kind.toLowerCase()];
      if (!k) return refuse({ code: 'bad_kind', value: kind });
      row.kind = k;
    }
    for (const c of ['validFrom', 'validUntil'] as const) {
      const v = cell(r, c);
      if (!v) continue;
      const t = readTime(v, c === 'validUntil');
      if (!t) return refuse({ code: 'bad_time', column: c, value: v });
      row[c] = t;
    }
    const host = cell(r, 'hostId');
    if (host) row.hostId = host;
    const version = cell(r, 'version');
    if (version) {
      if (!/^\d{1,16}$/.test(version) || Number(version) > Number.MAX_SAFE_INTEGER) return refuse({ code: 'bad_version', value: version });
      row.version = Number(version);
    }
    const list = (c: Column) =>
      cell(r, c)
        .split(/[;；|]/)
        .map((p) => p.trim())
        .filter(Boolean);
    row.photos = list('photo');
    for (const c of ['building', 'unit', 'room', 'phone'] as const) {
      const v = cell(r, c);
      if (!v) continue;
      if (v.length > (c === 'phone' ? 32 : 64) || (c === 'phone' && !/^[0-9+\-() ]+$/.test(v)))
        return refuse({ code: 'bad_detail', column: c, value: v });
      row[c] = v;
    }
    if (header.index.groups !== undefined) {
      row.groups = list('groups');
      const bad = row.groups.find((g) => !/^[A-Za-z0-9_.-]{1,64}$/.test(g));
      if (bad !== undefined) return refuse({ code: 'bad_detail', column: 'groups', value: bad });
    }
    const gates = list('gates');
    if (gates.length) row.gates = gates;
    if (row.photos.length > opts.maxPhotos) return refuse({ code: 'too_many_photos', count: row.photos.length, max: opts.maxPhotos });
    return { ok: true, row };
  });
}
