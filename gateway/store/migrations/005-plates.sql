-- Known vehicles (residents and temporary visitors) and the plates the gateway has read.
CREATE TABLE vehicles (
  plate       TEXT PRIMARY KEY,             -- normalised, no separator dot (粤BD12345)
  owner_id    TEXT NOT NULL,                -- resident or host id on the platform
  kind        TEXT NOT NULL CHECK (kind IN ('resident', 'visitor')),
  valid_from  TEXT,                         -- ISO 8601; NULL = already valid
  valid_until TEXT,                         -- ISO 8601; NULL = no end (visitors must have one)
  note        TEXT,
  created_at  TEXT NOT NULL,
  CHECK (kind = 'resident' OR valid_until IS NOT NULL)
);
CREATE INDEX vehicles_owner ON vehicles(owner_id);

CREATE TABLE plate_reads (
  id          TEXT PRIMARY KEY,             -- the outbox event id
  ts          TEXT NOT NULL,
  camera_id   TEXT NOT NULL,
  plate       TEXT NOT NULL,
  colour      TEXT NOT NULL,
  confidence  REAL NOT NULL,
  matched     TEXT,                         -- vehicles.plate it matched, if any
  snapshot_id TEXT
);
CREATE INDEX plate_reads_ts ON plate_reads(ts);
