-- Residents and their face templates (owned by gateway/rooms/faces).
CREATE TABLE residents (
  id         TEXT PRIMARY KEY,            -- given by the operator or generated (ULID)
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per enrolment photo; the search vector of a resident is the normalised mean.
CREATE TABLE face_templates (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  model       TEXT NOT NULL,              -- embedding model; templates of another model are ignored
  embedding   BLOB NOT NULL,              -- float32 little-endian, unit length
  quality     TEXT NOT NULL,              -- JSON: face size, eye distance, yaw, pitch, sharpness
  source      TEXT,                       -- file name or 'platform'
  created_at  TEXT NOT NULL
);
CREATE INDEX face_templates_resident ON face_templates(resident_id);

-- Every change of residents bumps faces_version; the daemon polls it and reloads the changed
-- residents only (the CLI writes the same file while the daemon runs).
CREATE TABLE resident_changes (
  version     INTEGER PRIMARY KEY AUTOINCREMENT,
  resident_id TEXT NOT NULL,
  ts          TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('faces_version', '0');
