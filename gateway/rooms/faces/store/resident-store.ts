/**
 * Residents (and visitors with a pass, migration 020) and their face templates in SQLite
 * (migration 004; templates learned at the gate: migration 015, learned-store.ts). Every change bumps the
 * `faces_version` counter in `meta` and records which resident changed, so a daemon sharing the
 * file with the CLI reloads just those residents. Removal deletes the rows with SQLite's
 * secure_delete on (freed pages are zeroed) and checkpoints the WAL, so templates are gone for good.
 */
import { ulid } from 'ulid';
import type { Database, Statement } from '../../../store/database.js';
import { EMBEDDING_MODEL } from '../models.js';
import { SyncVersions } from '../../../store/sync/version-store.js';
import type { Pass } from '../visitors/pass.js';

export const RESIDENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Where a resident lives and how to reach them (all optional; shown in the console, synced and imported). */
export interface ResidentDetails {
  building: string | null;
  unit: string | null;
  room: string | null;
  phone: string | null;
}

export const NO_DETAILS: ResidentDetails = { building: null, unit: null, room: null, phone: null };

export interface Resident extends Pass, ResidentDetails {
  id: string;
  name: string;
  /** Visitors: the gates their pass is for (null: what their access groups allow). */
  passGates: string[] | null;
  /** Whether a thumbnail of the enrolment crop is kept (residents/thumbnail). */
  hasThumbnail: boolean;
  /** Enrolment templates (photos) of the current model. */
  templates: number;
  /** Templates learned at the gate (faces.learning; store/learned-store.ts). */
  learned: number;
  createdAt: string;
  updatedAt: string;
  /** The platform's version of this record (residents/upsert), null when enrolled locally. */
  version: number | null;
}

/** A visitor whose pass ended, as the retention sweep sees it (no name: it is not needed). */
export interface EndedVisitor {
  id: string;
  hostId: string | null;
  validUntil: string;
  templates: number;
}

export const SELECT_RESIDENT = `SELECT r.id, r.name, r.kind, r.valid_from AS validFrom, r.valid_until AS validUntil, r.host_id AS hostId,
        r.building, r.unit, r.room, r.phone, r.pass_gates AS passGates, (r.thumbnail IS NOT NULL) AS hasThumbnail,
        r.created_at AS createdAt, r.updated_at AS updatedAt,
        (SELECT COUNT(*) FROM face_templates t WHERE t.resident_id = r.id AND t.model = ? AND t.learned = 0) AS templates,
        (SELECT COUNT(*) FROM face_templates t WHERE t.resident_id = r.id AND t.learned = 1) AS learned,
        (SELECT s.version FROM sync_versions s WHERE s.entity = 'resident' AND s.key = r.id AND s.deleted_at IS NULL) AS version
   FROM residents r`;

export interface NewTemplate {
  embedding: Float32Array;
  quality: object;
  source: string;
  /** The aligned enrolment crop, JPEG: the first one becomes the resident's thumbnail. */
  crop?: Buffer;
}

/** What add and upsert may set beside the name, pass and templates. */
export interface PersonExtras {
  details?: Partial<ResidentDetails>;
  /** Visitors: the gates their pass is for (null: what their groups allow). */
  passGates?: string[] | null;
}

/** A row as SQLite returns it (JSON and 0/1 fields not yet read). */
type RawResident = Omit<Resident, 'passGates' | 'hasThumbnail'> & { passGates: string | null; hasThumbnail: number };

export function fromRaw(r: RawResident): Resident {
  return { ...r, passGates: r.passGates ? (JSON.parse(r.passGates) as string[]) : null, hasThumbnail: r.hasThumbnail === 1 };
}

export class ResidentStore {
  readonly db: Database;
  private readonly model: string;
  private readonly getVersion: Statement<{ value: string }>;
  private readonly bump: Statement;
  private readonly insertChange: Statement<{ version: number }>;
  private readonly pruneChanges: Statement;
  /** The platform versions of synchronised records (residents/upsert, residents/delete). */
  readonly versions: SyncVersions;

  constructor(ctx: { db: Database; model?: string }) {
    this.db = ctx.db;
    this.versions = new SyncVersions(ctx.db);
    this.model = ctx.model ?? EMBEDDING_MODEL;
    this.db.exec('PRAGMA secure_delete = ON');
    this.getVersion = this.db.prepare("SELECT value FROM meta WHERE key = 'faces_version'");
    this.bump = this.db.prepare("UPDATE meta SET value = ? WHERE key = 'faces_version'");
    this.insertChange = this.db.prepare('INSERT INTO resident_changes(resident_id, ts) VALUES (?, ?) RETURNING version');
    this.pruneChanges = this.db.prepare('DELETE FROM resident_changes WHERE resident_id = ? AND version < ?');
  }

  /** Counter bumped by every change (cheap to poll). */
  version(): number {
    return Number(this.getVersion.get()?.value ?? 0);
  }

  /**
   * Creates the resident (or renames an existing one) and adds templates, in one transaction.
   * `pass` sets who they are (resident, or visitor with a window); absent, an existing person
   * keeps theirs and a new one is a resident.
   */
  add(input: { id?: string; name: string; templates: NewTemplate[]; pass?: Pass } & PersonExtras): Resident {
    const id = input.id ?? ulid();
    checkId(id);
    if (input.templates.length === 0) throw new Error('no templates to add');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      const p = input.pass;
      this.db
        .prepare(
          `INSERT INTO residents(id, name, kind, valid_from, valid_until, host_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at${
             p
               ? ', kind = excluded.kind, valid_from = excluded.valid_from, valid_until = excluded.valid_until, host_id = excluded.host_id'
               : ''
           }`,
        )
        .run(id, input.name, p?.kind ?? 'resident', p?.validFrom ?? null, p?.validUntil ?? null, p?.hostId ?? null, now, now);
      this.insertTemplates(id, input.templates, now);
      this.setExtras(id, input);
      this.setThumbnail(id, input.templates, false);
      this.changed(id, now);
    });
    return this.get(id)!;
  }

  /**
   * Makes the person exactly this (residents/upsert): name and pass, and, when `templates` are
   * given, these templates instead of the old ones (learned ones too: new photos say what the
   * person looks like now; without photos the learned templates stay). Without templates the person must already
   * have some. Call inside the versioned transaction (sync/version-store.ts).
   */
  upsert(input: { id: string; name: string; pass: Pass; templates?: NewTemplate[] } & PersonExtras): Resident {
    checkId(input.id);
    const now = new Date().toISOString();
    return this.db.transaction(() => {
      if (!input.templates?.length && !this.get(input.id)?.templates) throw new Error(`${input.id} has no face on this box: send photos`);
      const p = input.pass;
      this.db
        .prepare(
          `INSERT INTO residents(id, name, kind, valid_from, valid_until, host_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, valid_from = excluded.valid_from,
             valid_until = excluded.valid_until, host_id = excluded.host_id, updated_at = excluded.updated_at`,
        )
        .run(input.id, input.name, p.kind, p.validFrom, p.validUntil, p.hostId, now, now);
      if (input.templates?.length) {
        this.db.prepare('DELETE FROM face_templates WHERE resident_id = ?').run(input.id);
        this.insertTemplates(input.id, input.templates, now);
        this.setThumbnail(input.id, input.templates, true);
      }
      this.setExtras(input.id, { details: { ...NO_DETAILS, ...input.details }, passGates: input.passGates ?? null });
      this.changed(input.id, now);
      return this.get(input.id)!;
    });
  }

  /** Renames a person and sets the extras given (residents/update); false when there is no such person. */
  update(id: string, x: { name?: string } & PersonExtras): boolean {
    return this.db.transaction(() => {
      const now = new Date().toISOString();
      const n = this.db
        .prepare('UPDATE residents SET name = coalesce(?, name), updated_at = ? WHERE id = ?')
        .run(x.name ?? null, now, id).changes;
      if (!n) return false;
      this.setExtras(id, x);
      this.changed(id, now);
      return true;
    });
  }

  /** Sets the details given (a field absent stays as it is) and the visitor's pass gates when given. */
  private setExtras(id: string, x: PersonExtras): void {
    const d = x.details ?? {};
    for (const k of ['building', 'unit', 'room', 'phone'] as const)
      if (d[k] !== undefined) this.db.prepare(`UPDATE residents SET ${k} = ? WHERE id = ?`).run(d[k] || null, id);
    if (x.passGates !== undefined)
      this.db.prepare('UPDATE residents SET pass_gates = ? WHERE id = ?').run(x.passGates?.length ? JSON.stringify(x.passGates) : null, id);
  }

  /** The first crop of the templates becomes the thumbnail (`replace`: new faces, else only when there is none). */
  private setThumbnail(id: string, templates: NewTemplate[], replace: boolean): void {
    const crop = templates.find((t) => t.crop)?.crop;
    if (!crop) return;
    this.db.prepare(`UPDATE residents SET thumbnail = ? WHERE id = ?${replace ? '' : ' AND thumbnail IS NULL'}`).run(crop, id);
  }

  /** The thumbnail of the enrolment crop (JPEG), if one is kept. */
  thumbnail(id: string): Buffer | undefined {
    return this.db.prepare<{ thumbnail: Buffer | null }>('SELECT thumbnail FROM residents WHERE id = ?').get(id)?.thumbnail ?? undefined;
  }

  private insertTemplates(id: string, templates: NewTemplate[], now: string): void {
    const ins = this.db.prepare(
      'INSERT INTO face_templates(resident_id, model, embedding, quality, source, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const t of templates) {
      ins.run(
        id,
        this.model,
        Buffer.from(t.embedding.buffer, t.embedding.byteOffset, t.embedding.byteLength),
        JSON.stringify(t.quality),
        t.source,
        now,
      );
    }
  }

  /**
   * Erases a resident and every template. Returns false if there was no such resident. A record
   * the platform synchronised is held as deleted at its version, so a replay of its upsert does
   * not bring it back.
   */
  remove(id: string): boolean {
    const removed = this.db.transaction(() => this.erase(id));
    if (removed) this.checkpoint();
    return removed;
  }

  /**
   * Deletes the rows of a person (templates first) inside the caller's transaction, and holds a
   * synchronised record as deleted; call `checkpoint()` once it committed. Returns whether there
   * was such a person.
   */
  erase(id: string): boolean {
    const now = new Date();
    this.db.prepare('DELETE FROM face_templates WHERE resident_id = ?').run(id);
    const n = this.db.prepare('DELETE FROM residents WHERE id = ?').run(id).changes;
    if (n === 0) return false;
    // Their access group memberships go with them (gateway/rooms/access/group-store.ts).
    if (this.db.prepare('DELETE FROM access_members WHERE resident_id = ?').run(id).changes)
      this.db.prepare("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'access_version'").run();
    this.changed(id, now.toISOString());
    this.versions.markDeleted('resident', id, now);
    return true;
  }

  /** Moves erased pages out of the WAL too (secure_delete zeroed them in the database file). */
  checkpoint(): void {
    try {
      this.db.checkpoint();
    } catch {
      // a reader holds the WAL; SQLite checkpoints it later
    }
  }

  /** Visitors whose pass ended before `before` (ISO 8601), oldest first. */
  visitorsEndedBefore(before: string, limit = 500): EndedVisitor[] {
    return this.db
      .prepare<EndedVisitor>(
        `SELECT r.id, r.host_id AS hostId, r.valid_until AS validUntil,
                (SELECT COUNT(*) FROM face_templates t WHERE t.resident_id = r.id) AS templates
           FROM residents r WHERE r.kind = 'visitor' AND r.valid_until < ? ORDER BY r.valid_until LIMIT ?`,
      )
      .all(before, limit);
  }

  get(id: string): Resident | undefined {
    const r = this.db.prepare<RawResident>(`${SELECT_RESIDENT} WHERE r.id = ?`).get(this.model, id);
    return r ? fromRaw(r) : undefined;
  }

  list(): Resident[] {
    return this.db.prepare<RawResident>(`${SELECT_RESIDENT} ORDER BY r.name, r.id`).all(this.model).map(fromRaw);
  }

  /** The embedding model whose templates count. */
  get modelName(): string {
    return this.model;
  }

  /** Templates (embeddings) of one resident for the current model. */
  embeddings(id: string): Float32Array[] {
    return this.db
      .prepare<{ embedding: Buffer }>('SELECT embedding FROM face_templates WHERE resident_id = ? AND model = ? ORDER BY id')
      .all(id, this.model)
      .map((r) => toFloat32(r.embedding));
  }

  /** Every person with templates, streamed (for the daemon's initial index load). */
  *allEmbeddings(): Generator<{ id: string; name: string; pass: Pass; embeddings: Float32Array[] }> {
    type Row = {
      id: string;
      name: string;
      kind: Pass['kind'];
      valid_from: string | null;
      valid_until: string | null;
      host_id: string | null;
      embedding: Buffer;
    };
    let cur: { id: string; name: string; pass: Pass; embeddings: Float32Array[] } | undefined;
    const rows = this.db
      .prepare<Row>(
        'SELECT r.id, r.name, r.kind, r.valid_from, r.valid_until, r.host_id, t.embedding FROM residents r JOIN face_templates t ON t.resident_id = r.id WHERE t.model = ? ORDER BY r.id, t.id',
      )
      .all(this.model);
    for (const r of rows) {
      if (cur && cur.id !== r.id) {
        yield cur;
        cur = undefined;
      }
      cur ??= {
        id: r.id,
        name: r.name,
        pass: { kind: r.kind, validFrom: r.valid_from, validUntil: r.valid_until, hostId: r.host_id },
        embeddings: [],
      };
      cur.embeddings.push(toFloat32(r.embedding));
    }
    if (cur) yield cur;
  }

  /** Residents changed after `version` (deduplicated) and the current version. */
  changesSince(version: number): { version: number; residentIds: string[] } {
    const rows = this.db
      .prepare<{ resident_id: string; version: number }>(
        'SELECT resident_id, version FROM resident_changes WHERE version > ? ORDER BY version',
      )
      .all(version);
    const ids = [...new Set(rows.map((r) => r.resident_id))];
    return { version: rows.length ? rows[rows.length - 1]!.version : Math.max(version, this.version()), residentIds: ids };
  }

  /** Records that a person's templates changed outside this class (learned-store.ts), inside the caller's transaction. */
  markChanged(id: string): void {
    this.changed(id, new Date().toISOString());
  }

  private changed(id: string, ts: string): void {
    const v = this.insertChange.get(id, ts)!.version;
    // Only the latest change of a resident matters to a reader: the log stays one row per id.
    this.pruneChanges.run(id, v);
    this.bump.run(String(v));
  }
}

function checkId(id: string): void {
  if (!RESIDENT_ID.test(id)) throw new Error(`invalid resident id ${JSON.stringify(id)}: letters, digits, "_", "-" or ".", at most 64`);
}

function toFloat32(b: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
