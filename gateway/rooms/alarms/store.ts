import type { Database, Statement } from '../../store/database.js';
import type { Alarm, AlarmKind, AlarmState, Severity } from './lifecycle.js';

interface Row {
  id: string;
  device_id: string;
  input: string;
  kind: AlarmKind;
  severity: Severity;
  state: AlarmState;
  raised_at: string;
  presses: number;
  escalated_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  note: string | null;
  camera_id: string | null;
  snapshot_id: string | null;
}

const toAlarm = (r: Row): Alarm => ({
  alarmId: r.id,
  deviceId: r.device_id,
  input: r.input,
  kind: r.kind,
  severity: r.severity,
  state: r.state,
  raisedAt: r.raised_at,
  presses: r.presses,
  ...(r.escalated_at ? { escalatedAt: r.escalated_at } : {}),
  ...(r.acknowledged_at ? { acknowledgedAt: r.acknowledged_at } : {}),
  ...(r.acknowledged_by ? { acknowledgedBy: r.acknowledged_by } : {}),
  ...(r.resolved_at ? { resolvedAt: r.resolved_at } : {}),
  ...(r.resolved_by ? { resolvedBy: r.resolved_by } : {}),
  ...(r.note ? { note: r.note } : {}),
  ...(r.camera_id ? { cameraId: r.camera_id } : {}),
  ...(r.snapshot_id ? { snapshotId: r.snapshot_id } : {}),
});

/** The alarms table (migration 008): one row per alarm, rewritten at every step of its life. */
export class AlarmStore {
  private readonly upsert: Statement;

  constructor(private readonly db: Database) {
    this.upsert = db.prepare(
      `INSERT INTO alarms(id, device_id, input, kind, severity, state, raised_at, presses, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by, note, camera_id, snapshot_id)
       VALUES (@id, @device_id, @input, @kind, @severity, @state, @raised_at, @presses, @escalated_at, @acknowledged_at, @acknowledged_by, @resolved_at, @resolved_by, @note, @camera_id, @snapshot_id)
       ON CONFLICT(id) DO UPDATE SET severity = excluded.severity, state = excluded.state, presses = excluded.presses, escalated_at = excluded.escalated_at,
         acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by, resolved_at = excluded.resolved_at,
         resolved_by = excluded.resolved_by, note = excluded.note, camera_id = excluded.camera_id, snapshot_id = excluded.snapshot_id`,
    );
  }

  save(a: Alarm): void {
    this.upsert.run({
      id: a.alarmId,
      device_id: a.deviceId,
      input: a.input,
      kind: a.kind,
      severity: a.severity,
      state: a.state,
      raised_at: a.raisedAt,
      presses: a.presses,
      escalated_at: a.escalatedAt ?? null,
      acknowledged_at: a.acknowledgedAt ?? null,
      acknowledged_by: a.acknowledgedBy ?? null,
      resolved_at: a.resolvedAt ?? null,
      resolved_by: a.resolvedBy ?? null,
      note: a.note ?? null,
      camera_id: a.cameraId ?? null,
      snapshot_id: a.snapshotId ?? null,
    });
  }

  /** Alarms not resolved yet (they survive a restart). */
  open(): Alarm[] {
    return this.db.prepare<Row>("SELECT * FROM alarms WHERE state <> 'resolved' ORDER BY raised_at").all().map(toAlarm);
  }

  /** Alarms resolved since `sinceIso`, newest first. */
  resolvedSince(sinceIso: string, limit = 200): Alarm[] {
    return this.db
      .prepare<Row>("SELECT * FROM alarms WHERE state = 'resolved' AND resolved_at >= ? ORDER BY resolved_at DESC LIMIT ?")
      .all(sinceIso, limit)
      .map(toAlarm);
  }
}
