/**
 * Residents and their face templates in SQLite (migration 004). Every change bumps the
 * `faces_version` counter in `meta` and records which resident changed, so a daemon sharing the
 * file with the CLI reloads just those residents. Removal deletes the rows with SQLite's
 * secure_delete on (freed pages are zeroed) and checkpoints the WAL, so templates are gone for good.
 */
import { ulid } from 'ulid';
import type { Database, Statement } from '../../store/database.js';
import { EMBEDDING_MODEL } from '../models.js';

export const RESIDENT_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export interface Resident {
  id: string;
  name: string;
  templates: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewTemplate {
  embedding: Float32Array;
  quality: object;
  source: string;
}

export class ResidentStore {
  private readonly db: Database;
  private readonly model: string;
  private readonly getVersion: Statement<{ value: string }>;
  private readonly bump: Statement;
  private readonly insertChange: Statement<{ version: number }>;
  private readonly pruneChanges: Statement;

  constructor(ctx: { db: Database; model?: string }) {
    this.db = ctx.db;
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

  /** Creates the resident (or renames an existing one) and adds templates, in one transaction. */
  add(input: { id?: string; name: string; templates: NewTemplate[] }): Resident {
    const id = input.id ?? ulid();
    if (!RESIDENT_ID.test(id)) throw new Error(`invalid resident id ${JSON.stringify(id)}: letters, digits, "_", "-" or ".", at most 64`);
    if (input.templates.length === 0) throw new Error('no templates to add');
    const now = new Date().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO residents(id, name, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at',
        )
        .run(id, input.name, now, now);
      const ins = this.db.prepare(
        'INSERT INTO face_templates(resident_id, model, embedding, quality, source, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const t of input.templates) {
        ins.run(
          id,
          this.model,
          Buffer.from(t.embedding.buffer, t.embedding.byteOffset, t.embedding.byteLength),
          JSON.stringify(t.quality),
          t.source,
          now,
        );
      }
      this.changed(id, now);
    });
    return this.get(id)!;
  }

  /** Erases a resident and every template. Returns false if there was no such resident. */
  remove(id: string): boolean {
    const now = new Date().toISOString();
    const removed = this.db.transaction(() => {
      this.db.prepare('DELETE FROM face_templates WHERE resident_id = ?').run(id);
      const n = this.db.prepare('DELETE FROM residents WHERE id = ?').run(id).changes;
      if (n > 0) this.changed(id, now);
      return n > 0;
    });
    if (removed) {
      try {
        this.db.checkpoint(); // old pages leave the WAL too
      } catch {
        // a reader holds the WAL; SQLite checkpoints it later
      }
    }
    return removed;
  }

  get(id: string): Resident | undefined {
    return this.db
      .prepare<Resident>(
        `SELECT r.id, r.name, r.created_at AS createdAt, r.updated_at AS updatedAt,
                (SELECT COUNT(*) FROM face_templates t WHERE t.resident_id = r.id AND t.model = ?) AS templates
           FROM residents r WHERE r.id = ?`,
      )
      .get(this.model, id);
  }

  list(): Resident[] {
    return this.db
      .prepare<Resident>(
        `SELECT r.id, r.name, r.created_at AS createdAt, r.updated_at AS updatedAt,
                (SELECT COUNT(*) FROM face_templates t WHERE t.resident_id = r.id AND t.model = ?) AS templates
           FROM residents r ORDER BY r.name, r.id`,
      )
      .all(this.model);
  }

  /** Templates (embeddings) of one resident for the current model. */
  embeddings(id: string): Float32Array[] {
    return this.db
      .prepare<{ embedding: Buffer }>('SELECT embedding FROM face_templates WHERE resident_id = ? AND model = ? ORDER BY id')
      .all(id, this.model)
      .map((r) => toFloat32(r.embedding));
  }

  /** Every resident with templates, streamed (for the daemon's initial index load). */
  *allEmbeddings(): Generator<{ id: string; name: string; embeddings: Float32Array[] }> {
    let cur: { id: string; name: string; embeddings: Float32Array[] } | undefined;
    const rows = this.db
      .prepare<{ id: string; name: string; embedding: Buffer }>(
        'SELECT r.id, r.name, t.embedding FROM residents r JOIN face_templates t ON t.resident_id = r.id WHERE t.model = ? ORDER BY r.id, t.id',
      )
      .all(this.model);
    for (const r of rows) {
      if (cur && cur.id !== r.id) {
        yield cur;
        cur = undefined;
      }
      cur ??= { id: r.id, name: r.name, embeddings: [] };
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

  private changed(id: string, ts: string): void {
    const v = this.insertChange.get(id, ts)!.version;
    // Only the latest change of a resident matters to a reader: the log stays one row per id.
    this.pruneChanges.run(id, v);
    this.bump.run(String(v));
  }
}

function toFloat32(b: Buffer): Float32Array {
  // Copy: the Buffer may not be 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
