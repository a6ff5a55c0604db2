-- Devices room: last known state of each device, gate command results, input changes.
CREATE TABLE device_state (
  id         TEXT PRIMARY KEY,
  model      TEXT NOT NULL,
  online     INTEGER NOT NULL,
  since      TEXT NOT NULL,
  reason     TEXT,
  gate       TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE gate_commands (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  ts        TEXT NOT NULL,
  device_id TEXT NOT NULL,
  command   TEXT NOT NULL,
  origin    TEXT NOT NULL,
  ok        INTEGER NOT NULL,
  error     TEXT,
  attempts  INTEGER NOT NULL,
  ms        REAL NOT NULL
);
CREATE INDEX gate_commands_ts ON gate_commands(ts);

CREATE TABLE device_inputs (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  ts        TEXT NOT NULL,
  device_id TEXT NOT NULL,
  input     TEXT NOT NULL,
  kind      TEXT NOT NULL,
  active    INTEGER NOT NULL
);
CREATE INDEX device_inputs_ts ON device_inputs(ts);
