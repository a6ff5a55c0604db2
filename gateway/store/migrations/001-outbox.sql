-- Events for the city platform, written in the same transaction as what they record.
CREATE TABLE outbox (
  rowid    INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT NOT NULL UNIQUE,          -- ULID, the platform's dedupe key
  kind     TEXT NOT NULL,
  ts       TEXT NOT NULL,                 -- ISO 8601, when it happened
  priority INTEGER NOT NULL,              -- 0 never dropped, 1 normal, 2 low
  data     TEXT NOT NULL,                 -- JSON
  bytes    INTEGER NOT NULL,
  seq      INTEGER UNIQUE,                -- assigned in order when first handed to the relay
  sent_at  TEXT                           -- set on PUBACK
);
CREATE INDEX outbox_unsent ON outbox(rowid) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox(sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO meta(key, value) VALUES ('last_seq', '0');
