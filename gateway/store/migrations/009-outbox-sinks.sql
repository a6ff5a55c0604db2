-- Consumers of the outbox besides the MQTT relay (which keeps outbox.sent_at), e.g. the GA/T 1400
-- uplink: each has its own acknowledged position. A sent row is purged only once every sink
-- listed here has passed it (rowid <= acked_rowid).
CREATE TABLE outbox_sinks (
  name        TEXT PRIMARY KEY,
  acked_rowid INTEGER NOT NULL,           -- every row up to here is delivered (or not for this sink)
  created_at  TEXT NOT NULL
);
