/**
 * Access groups and memberships in SQLite (migration 013). Every change bumps `access_version`
 * in `meta`, so the access and faces rooms (and a daemon sharing the file with the CLI) reload
 * the groups only when something changed. The rules themselves are in group-policy.ts.
 */
import type { Database, Statement } from '../../store/database.js';
import { SyncVersions } from '../../store/sync/version-store.js';
import type { AccessGroup, GroupData, Schedule } from './group-policy.js';

export const GROUP_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface GroupRow extends AccessGroup {
  members: number;
  updatedAt: string;
  /** The platform's version of this group (groups/upsert), null when made locally. */
  version: number | null;
}

interface Raw {
  id: string;
  name: string;
  gates: string;
  schedule: string | null;
  everyone: number;
  updated_at: string;
  members: number;
  version: number | null;
}

export class GroupStore {
  readonly versions: SyncVersions;
  private readonly getVersion: Statement<{ value: string }>;
  private readonly bumpVersion: Statement;

  constructor(private readonly db: Database) {
    this.versions = new SyncVersions(db);
    this.getVersion = db.prepare("SELECT value FROM meta WHERE key = 'access_version'");
    this.bumpVersion = db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'access_version'");
  }

  /** Counter bumped by every change of groups or memberships (cheap to poll). */
  version(): number {
    return Number(this.getVersion.get()?.value ?? 0);
  }

  list(): GroupRow[] {
    return this.db
      .prepare<Raw>(
        `SELECT g.*, (SELECT COUNT(*) FROM access_members m WHERE m.group_id = g.id) AS members,
                (SELECT s.version FROM sync_versions s WHERE s.entity = 'group' AND s.key = g.id AND s.deleted_at IS NULL) AS version
           FROM access_groups g ORDER BY g.name, g.id`,
      )
      .all()
      .map(toRow);
  }

  get(id: string): GroupRow | undefined {
    return this.list().find((g) => g.id === id);
  }

  /** Creates or replaces a group's definition (its members stay). */
  put(g: AccessGroup): GroupRow {
    checkId(g.id);
    this.db
      .prepare(
        `INSERT INTO access_groups(id, name, gates, schedule, everyone, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, gates = excluded.gates, schedule = excluded.schedule,
           everyone = excluded.everyone, updated_at = excluded.updated_at`,
      )
      .run(
        g.id,
        g.name,
        JSON.stringify(g.gates),
        g.schedule ? JSON.stringify(g.schedule) : null,
        g.everyone ? 1 : 0,
        new Date().toISOString(),
      );
    this.bumpVersion.run();
    return this.get(g.id)!;
  }

  /** Deletes a group and its memberships; false when there was none. */
  remove(id: string): boolean {
    const n = this.db.prepare('DELETE FROM access_groups WHERE id = ?').run(id).changes;
    if (n) this.bumpVersion.run();
    return n > 0;
  }

  /** Adds (true) or removes (false) one member; throws for an unknown group. Returns whether anything changed. */
  setMember(groupId: string, residentId: string, member: boolean): boolean {
    if (!this.exists(groupId)) throw new Error(`no access group ${groupId}`);
    const n = member
      ? this.db.prepare('INSERT OR IGNORE INTO access_members(group_id, resident_id) VALUES (?, ?)').run(groupId, residentId).changes
      : this.db.prepare('DELETE FROM access_members WHERE group_id = ? AND resident_id = ?').run(groupId, residentId).changes;
    if (n) this.bumpVersion.run();
    return n > 0;
  }

  /** Makes a person a member of exactly these groups (CSV import, console); throws naming an unknown group. */
  setGroupsOf(residentId: string, groupIds: readonly string[]): void {
    this.db.transaction(() => {
      for (const g of groupIds) if (!this.exists(g)) throw new Error(`no access group ${g}`);
      this.db.prepare('DELETE FROM access_members WHERE resident_id = ?').run(residentId);
      const ins = this.db.prepare('INSERT OR IGNORE INTO access_members(group_id, resident_id) VALUES (?, ?)');
      for (const g of groupIds) ins.run(g, residentId);
      this.bumpVersion.run();
    });
  }

  /** The groups a person is a member of (by listing, not through `everyone`). */
  groupsOf(residentId: string): string[] {
    return this.db
      .prepare<{ group_id: string }>('SELECT group_id FROM access_members WHERE resident_id = ? ORDER BY group_id')
      .all(residentId)
      .map((r) => r.group_id);
  }

  /** Members of a group, in id order, a page at a time. */
  members(groupId: string, offset = 0, limit = 1000): string[] {
    return this.db
      .prepare<{ resident_id: string }>('SELECT resident_id FROM access_members WHERE group_id = ? ORDER BY resident_id LIMIT ? OFFSET ?')
      .all(groupId, limit, offset)
      .map((r) => r.resident_id);
  }

  /** Erases a person's memberships (with the person; call inside their erasing transaction). */
  forget(residentId: string): void {
    const n = this.db.prepare('DELETE FROM access_members WHERE resident_id = ?').run(residentId).changes;
    if (n) this.bumpVersion.run();
  }

  /** Everything the rules need. */
  load(): GroupData {
    const groups = new Map<string, AccessGroup>();
    for (const g of this.list()) groups.set(g.id, { id: g.id, name: g.name, gates: g.gates, schedule: g.schedule, everyone: g.everyone });
    const memberOf = new Map<string, Set<string>>();
    for (const r of this.db
      .prepare<{ group_id: string; resident_id: string }>('SELECT group_id, resident_id FROM access_members')
      .iterate()) {
      let s = memberOf.get(r.resident_id);
      if (!s) memberOf.set(r.resident_id, (s = new Set()));
      s.add(r.group_id);
    }
    const passGates = new Map<string, string[]>();
    for (const r of this.db
      .prepare<{ id: string; pass_gates: string }>("SELECT id, pass_gates FROM residents WHERE kind = 'visitor' AND pass_gates IS NOT NULL")
      .iterate())
      passGates.set(r.id, JSON.parse(r.pass_gates) as string[]);
    return { groups, memberOf, passGates };
  }

  exists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM access_groups WHERE id = ?').get(id) !== undefined;
  }
}

/**
 * The groups as of the last change, reloaded only when `access_version` (groups, memberships)
 * or `faces_version` (people, visitors' pass gates) moved.
 */
export class GroupDirectory {
  private seen = '';
  private data: GroupData = { groups: new Map(), memberOf: new Map(), passGates: new Map() };
  private readonly versions: Statement<{ v: string }>;

  constructor(
    private readonly store: GroupStore,
    db: Database,
  ) {
    this.versions = db.prepare("SELECT group_concat(value, '/') AS v FROM meta WHERE key IN ('access_version', 'faces_version')");
  }

  /** The current data; `changed` tells whether it was reloaded by this call. */
  current(): { data: GroupData; changed: boolean } {
    const v = this.versions.get()?.v ?? '';
    if (v === this.seen) return { data: this.data, changed: false };
    this.data = this.store.load();
    this.seen = v;
    return { data: this.data, changed: true };
  }
}

function toRow(r: Raw): GroupRow {
  return {
    id: r.id,
    name: r.name,
    gates: JSON.parse(r.gates) as string[],
    schedule: r.schedule ? (JSON.parse(r.schedule) as Schedule) : null,
    everyone: r.everyone === 1,
    members: r.members,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

function checkId(id: string): void {
  if (!GROUP_ID.test(id)) throw new Error(`invalid group id ${JSON.stringify(id)}: letters, digits, "_", "-" or ".", at most 64`);
}
