/**
 * Residents' vehicles and temporary visitors (with a validity window), in SQLite (migration
 * 005). Their actions are in vehicle-actions.ts.
 */
import { z } from 'zod';
import type { Database, Statement } from '../../store/database.js';
import type { EventPublisher } from '../../core/publisher.js';
import { ActionError } from '../../core/actions.js';
import { isValidPlate, normalisePlate } from '../../lib/plate-text/grammar.js';
import { PlateIndex, type Evidence, type MatchOptions, type PlateMatch } from './match.js';
import { SyncVersions } from '../../store/sync/version-store.js';

export interface KnownVehicle {
  plate: string;
  ownerId: string;
  kind: 'resident' | 'visitor';
  validFrom: string | null;
  validUntil: string | null;
  note: string | null;
  createdAt: string;
}

interface Row {
  plate: string;
  owner_id: string;
  kind: 'resident' | 'visitor';
  valid_from: string | null;
  valid_until: string | null;
  note: string | null;
  created_at: string;
}

const isoDate = z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with zone, e.g. 2026-11-24T18:00:00+08:00.');

export const addVehicleInput = z
  .strictObject({
    plate: z.string().min(1).describe('Plate, with or without the separator dot (粤B·D12345).'),
    ownerId: z.string().min(1).max(128).describe('Resident (or host, for a visitor) id.'),
    kind: z.enum(['resident', 'visitor']).default('resident'),
    validFrom: isoDate.optional(),
    validUntil: isoDate.optional().describe('End of validity; required for visitors.'),
    note: z.string().max(200).optional(),
  })
  .describe('Add or replace a known vehicle.');
export type AddVehicleInput = z.input<typeof addVehicleInput>;

export const removeVehicleInput = z.strictObject({ plate: z.string().min(1) }).describe('Remove a known vehicle.');

/**
 * Writes to the vehicles table through any KnownVehicles on one connection (SQLite's
 * data_version only counts other connections' commits).
 */
const localWrites = new WeakMap<Database, number>();
const bumpLocal = (db: Database) => localWrites.set(db, (localWrites.get(db) ?? 0) + 1);

const toVehicle = (r: Row): KnownVehicle => ({
  plate: r.plate,
  ownerId: r.owner_id,
  kind: r.kind,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  note: r.note,
  createdAt: r.created_at,
});

export class KnownVehicles {
  private readonly db: Database;
  private readonly events: EventPublisher;
  private readonly dataVersion: Statement<{ data_version: number }>;
  private index: { version: string; index: PlateIndex<KnownVehicle> } | undefined;
  /** The platform versions of synchronised vehicles (vehicles/upsert, vehicles/delete). */
  readonly versions: SyncVersions;

  constructor(ctx: { db: Database; events: EventPublisher }) {
    this.db = ctx.db;
    this.events = ctx.events;
    this.dataVersion = ctx.db.prepare('PRAGMA data_version');
    this.versions = new SyncVersions(ctx.db, ctx.events);
  }

  /** Validates and stores a vehicle (replacing one with the same plate). */
  add(input: AddVehicleInput, now = new Date()): KnownVehicle {
    const v = addVehicleInput.parse(input);
    const plate = normalisePlate(v.plate);
    if (!isValidPlate(plate))
      throw new ActionError(
        `"${v.plate}" is not a valid Chinese plate (province, letter, then 5 letters/digits, or 6 for new-energy plates)`,
        'invalid_input',
      );
    if (v.kind === 'visitor' && !v.validUntil) throw new ActionError('a visitor vehicle needs validUntil', 'invalid_input');
    const from = v.validFrom ? new Date(v.validFrom).toISOString() : null;
    const until = v.validUntil ? new Date(v.validUntil).toISOString() : null;
    if (from && until && from >= until) throw new ActionError('validFrom must be before validUntil', 'invalid_input');
    const row: Row = {
      plate,
      owner_id: v.ownerId,
      kind: v.kind,
      valid_from: from,
      valid_until: until,
      note: v.note ?? null,
      created_at: now.toISOString(),
    };
    // bumped inside the transaction: listeners of the event already match against the new table
    this.events.commit('vehicle.added', { plate, ownerId: row.owner_id, kind: row.kind, validFrom: from, validUntil: until }, () => {
      bumpLocal(this.db);
      this.db
        .prepare(
          'INSERT INTO vehicles(plate, owner_id, kind, valid_from, valid_until, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(plate) DO UPDATE SET owner_id = excluded.owner_id, kind = excluded.kind, valid_from = excluded.valid_from, valid_until = excluded.valid_until, note = excluded.note',
        )
        .run(row.plate, row.owner_id, row.kind, row.valid_from, row.valid_until, row.note, row.created_at);
    });
    return toVehicle(row);
  }

  remove(plateText: string): boolean {
    const plate = normalisePlate(plateText);
    if (!this.db.prepare('SELECT 1 FROM vehicles WHERE plate = ?').get(plate)) return false;
    return this.events.commit('vehicle.removed', { plate }, () => {
      // A synchronised vehicle removed by hand is held as deleted: a replay of its upsert does not bring it back.
      this.versions.markDeleted('vehicle', plate);
      bumpLocal(this.db);
      return this.db.prepare('DELETE FROM vehicles WHERE plate = ?').run(plate).changes > 0;
    });
  }

  get(plateText: string): KnownVehicle | undefined {
    const row = this.db.prepare<Row>('SELECT * FROM vehicles WHERE plate = ?').get(normalisePlate(plateText));
    return row && toVehicle(row);
  }

  /** Read from SQLite each time (a few rows), so changes made by another process are seen. */
  list(): KnownVehicle[] {
    return this.db.prepare<Row>('SELECT * FROM vehicles ORDER BY plate').all().map(toVehicle);
  }

  /** Vehicles valid at `now` (visitors inside their window). */
  active(now = new Date()): KnownVehicle[] {
    const t = now.toISOString();
    return this.list().filter((v) => (!v.validFrom || v.validFrom <= t) && (!v.validUntil || v.validUntil > t));
  }

  /**
   * The known vehicle valid at `now` that a read matches (match.ts: exact, I/O folds, or look-alike
   * glyphs the reader's `evidence` hesitated over). The look-alike index is rebuilt only when the table changed, here or in
   * another process (the offline CLI), so a match is a map lookup however many vehicles there are.
   */
  match(read: string, now = new Date(), opts: Partial<MatchOptions> = {}, evidence?: Evidence): PlateMatch<KnownVehicle> | undefined {
    const t = now.toISOString();
    return this.currentIndex().match(
      read,
      opts,
      (v) => (!v.validFrom || v.validFrom <= t) && (!v.validUntil || v.validUntil > t),
      evidence,
    );
  }

  /** Whether a plate is a known vehicle's at `now`, exactly or by look-alikes (edit-distance matches are not). */
  knownMatch(plate: string, now: Date, opts: Partial<MatchOptions> = {}, evidence?: Evidence): 'exact' | 'lookalike' | undefined {
    const kind = this.match(plate, now, opts, evidence)?.kind;
    return kind === 'edit' ? undefined : kind;
  }

  private currentIndex(): PlateIndex<KnownVehicle> {
    const version = `${this.dataVersion.get()?.data_version ?? 0}:${localWrites.get(this.db) ?? 0}`;
    if (this.index?.version !== version) this.index = { version, index: new PlateIndex(this.list()) };
    return this.index.index;
  }
}
