-- Cameras room: the last known state of each camera (what camera.online/offline events record).
CREATE TABLE camera_status (
  camera_id TEXT PRIMARY KEY,
  state     TEXT NOT NULL,              -- online | offline
  reason    TEXT,                       -- why offline (refused, stalled, ...)
  message   TEXT,
  since     TEXT NOT NULL               -- ISO 8601
);
