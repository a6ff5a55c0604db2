-- Every access decision (allowed or refused), recorded with its outbox event in one transaction.
CREATE TABLE access_decisions (
  id          TEXT PRIMARY KEY,        -- the outbox event id of access.decision
  ts          TEXT NOT NULL,
  gate_id     TEXT NOT NULL,
  camera_id   TEXT NOT NULL,
  via         TEXT NOT NULL,           -- face | plate
  allow       INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  subject_kind TEXT NOT NULL,          -- resident | visitor | unknown
  subject_id  TEXT,
  label       TEXT NOT NULL,
  confidence  REAL NOT NULL,
  snapshot_id TEXT
);
CREATE INDEX access_decisions_ts ON access_decisions(ts);

-- The platform's watchlist: residents, visitors or plates that must not be let in.
CREATE TABLE access_watchlist (
  subject    TEXT PRIMARY KEY,         -- resident/visitor id, or a plate
  reason     TEXT NOT NULL,
  added_at   TEXT NOT NULL
);
