-- Visitors enrolled by face: a resident row of kind 'visitor' with a validity window and a host.
-- The access policy decides on the window; gateway/rooms/faces/visitors/retention.ts erases a visitor
-- (row and face templates) faces.visitors.retentionHours after the pass ended.
ALTER TABLE residents ADD COLUMN kind TEXT NOT NULL DEFAULT 'resident' CHECK (kind IN ('resident', 'visitor'));
ALTER TABLE residents ADD COLUMN valid_from TEXT;   -- ISO 8601 (UTC); NULL = valid at once
ALTER TABLE residents ADD COLUMN valid_until TEXT;  -- ISO 8601 (UTC); required for visitors
ALTER TABLE residents ADD COLUMN host_id TEXT;      -- the resident a visitor comes to see
CREATE INDEX residents_visitor_until ON residents(valid_until) WHERE kind = 'visitor';
