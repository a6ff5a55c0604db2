import type { Database, Statement } from '../../store/database.js';
import type { Decision } from './policy.js';

/**
 * The access_decisions table (migration 006-access.sql): one row per decision, allowed or
 * refused, written in the transaction of its access.decision outbox event.
 */
export class DecisionStore {
  private readonly insert: Statement;

  constructor(db: Database) {
    this.insert = db.prepare(
      'INSERT INTO access_decisions(id, ts, gate_id, camera_id, via, allow, reason, subject_kind, subject_id, label, confidence, snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Records a decision under the id of its outbox event (call it from the publisher's `write`). */
  record(eventId: string, d: Decision, snapshotId: string | null): void {
    this.insert.run(
      eventId,
      d.ts,
      d.gateId,
      d.cameraId,
      d.via,
      d.allow ? 1 : 0,
      d.reason,
      d.subjectKind,
      d.subjectId,
      d.label,
      d.confidence,
      snapshotId,
    );
  }
}
