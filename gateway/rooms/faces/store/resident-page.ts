/**
 * One page of the residents list for the console: search over name, id, building / unit / room
 * and phone, sorted by name, with the total, each row with its access groups and thumbnail.
 * A page is one indexed query whatever the number of residents (the console never loads them all).
 */
import type { Database } from '../../../store/database.js';
import { fromRaw, SELECT_RESIDENT, type Resident } from './resident-store.js';

export interface PageQuery {
  /** Words that must all appear in the name, id, building, unit, room or phone (case-insensitive). */
  q?: string | undefined;
  kind?: 'resident' | 'visitor' | undefined;
  /** Only members of this access group. */
  group?: string | undefined;
  offset: number;
  limit: number;
}

export interface PageRow extends Resident {
  groups: string[];
  /** The enrolment crop, base64 JPEG (about 3 kB), or null. */
  thumbnail: string | null;
}

export interface ResidentPage {
  total: number;
  offset: number;
  residents: PageRow[];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function residentPage(db: Database, model: string, query: PageQuery): ResidentPage {
  const where: string[] = [];
  const args: unknown[] = [];
  for (const word of (query.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
    const like = `%${escapeLike(word)}%`;
    where.push(
      "(r.name LIKE ? ESCAPE '\\' OR r.id LIKE ? ESCAPE '\\' OR r.building LIKE ? ESCAPE '\\' OR r.unit LIKE ? ESCAPE '\\' OR r.room LIKE ? ESCAPE '\\' OR r.phone LIKE ? ESCAPE '\\')",
    );
    args.push(like, like, like, like, like, like);
  }
  if (query.kind) {
    where.push('r.kind = ?');
    args.push(query.kind);
  }
  if (query.group) {
    where.push('r.id IN (SELECT resident_id FROM access_members WHERE group_id = ?)');
    args.push(query.group);
  }
  const clause = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const total = db.prepare<{ n: number }>(`SELECT COUNT(*) AS n FROM residents r${clause}`).get(...args)!.n;
  type Raw = Parameters<typeof fromRaw>[0] & { thumbnail: Buffer | null; groups: string | null };
  const rows = db
    .prepare<Raw>(
      `SELECT * FROM (${SELECT_RESIDENT.replace(
        'FROM residents r',
        `, r.thumbnail, (SELECT group_concat(m.group_id, char(31)) FROM access_members m WHERE m.resident_id = r.id) AS groups
   FROM residents r`,
      )}${clause} ORDER BY r.name, r.id LIMIT ? OFFSET ?)`,
    )
    .all(model, ...args, query.limit, query.offset);
  return {
    total,
    offset: query.offset,
    residents: rows.map(({ thumbnail, groups, ...r }) => ({
      ...fromRaw(r),
      groups: groups ? groups.split('\u001f').sort() : [],
      thumbnail: thumbnail ? thumbnail.toString('base64') : null,
    })),
  };
}
