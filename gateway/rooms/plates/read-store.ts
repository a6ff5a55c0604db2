import type { Database, Statement } from '../../store/database.js';

/** One plate read as the plate_reads table keeps it. */
export interface PlateRead {
  at: Date;
  cameraId: string;
  plate: string;
  colour: string;
  confidence: number;
  /** The known vehicle's plate it matched, or null. */
  matched: string | null;
  snapshotId: string | null;
}

/**
 * The plate_reads table (migration 005-plates.sql): one row per plate.recognized, written in
 * the transaction of its outbox event.
 */
export class PlateReadStore {
  private readonly insert: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      'INSERT INTO plate_reads(id, ts, camera_id, plate, colour, confidence, matched, snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Records a read under the id of its outbox event (call it from the publisher's `write`). */
  record(eventId: string, r: PlateRead): void {
    this.insert.run(eventId, r.at.toISOString(), r.cameraId, r.plate, r.colour, r.confidence, r.matched, r.snapshotId);
  }
}
