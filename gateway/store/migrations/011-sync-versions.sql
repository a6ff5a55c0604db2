-- The platform's version of each synchronised record (residents, vehicles, watchlist entries),
-- live or deleted: an upsert or delete older than what is held here is refused, a replay of the
-- same version changes nothing. A deleted record keeps its row (a tombstone, deleted_at set) for
-- sync.tombstoneDays, so a late older upsert cannot bring it back. Owned by gateway/store/sync.
CREATE TABLE sync_versions (
  entity     TEXT NOT NULL,            -- resident | vehicle | watchlist
  key        TEXT NOT NULL,            -- resident id, normalised plate, watchlist subject
  version    INTEGER NOT NULL,         -- chosen by the platform, monotonic per record
  deleted_at TEXT,                     -- ISO 8601 when deleted (tombstone), NULL while live
  updated_at TEXT NOT NULL,
  PRIMARY KEY (entity, key)
) WITHOUT ROWID;
CREATE INDEX sync_versions_tombstones ON sync_versions(deleted_at) WHERE deleted_at IS NOT NULL;
