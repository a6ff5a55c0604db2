-- Alarms and their life cycle (raised -> acknowledged -> resolved), so open alarms survive a restart.
CREATE TABLE alarms (
  id              TEXT PRIMARY KEY,    -- alarmId (ULID), also in every alarm.* event
  device_id       TEXT NOT NULL,
  input           TEXT NOT NULL,
  kind            TEXT NOT NULL,       -- panic | tamper | fire
  severity        TEXT NOT NULL,       -- normal | high
  state           TEXT NOT NULL,       -- raised | acknowledged | resolved
  raised_at       TEXT NOT NULL,
  presses         INTEGER NOT NULL DEFAULT 1,
  escalated_at    TEXT,
  acknowledged_at TEXT,
  acknowledged_by TEXT,
  resolved_at     TEXT,
  resolved_by     TEXT,
  note            TEXT,
  camera_id       TEXT,
  snapshot_id     TEXT
);
CREATE INDEX alarms_open ON alarms(state) WHERE state <> 'resolved';
CREATE INDEX alarms_resolved_at ON alarms(resolved_at);
