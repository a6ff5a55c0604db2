-- The audit log: every change asked of the box (actions other than read-only ones), with who asked.
CREATE TABLE audit_log (
  id          TEXT PRIMARY KEY,        -- the outbox event id of audit.action
  ts          TEXT NOT NULL,
  action      TEXT NOT NULL,
  channel     TEXT NOT NULL,           -- platform | console | cli | system
  by          TEXT NOT NULL,
  ok          INTEGER NOT NULL,
  code        TEXT,
  detail      TEXT NOT NULL            -- JSON: input (without photos or secrets), error
);
CREATE INDEX audit_log_ts ON audit_log(ts);
