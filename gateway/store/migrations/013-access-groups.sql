-- Access groups and schedules (owned by gateway/rooms/access/group-store.ts): which residents may pass
-- which gate, and when. A gate that no group names admits everyone (gateway/rooms/access/group-policy.ts).
CREATE TABLE access_groups (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  gates      TEXT NOT NULL,              -- JSON array of gate ids
  schedule   TEXT,                       -- JSON {timeZone?, windows: [{days, from, to}]}; NULL = always
  everyone   INTEGER NOT NULL DEFAULT 0, -- 1: every resident is a member
  updated_at TEXT NOT NULL
);

-- Who is in which group. No foreign key to residents: the platform may sync a membership before
-- the person's face reaches the box; erasing a person erases their memberships.
CREATE TABLE access_members (
  group_id    TEXT NOT NULL REFERENCES access_groups(id) ON DELETE CASCADE,
  resident_id TEXT NOT NULL,
  PRIMARY KEY (group_id, resident_id)
) WITHOUT ROWID;
CREATE INDEX access_members_resident ON access_members(resident_id);

-- Bumped by every change of groups or memberships; the access and faces rooms poll it.
INSERT INTO meta(key, value) VALUES ('access_version', '0');

-- Visitors: the gates their pass is for (JSON array; NULL = what their groups allow).
ALTER TABLE residents ADD COLUMN pass_gates TEXT;

-- Residents' address and phone (optional), and a small JPEG of the enrolment crop for the
-- console (erased with the row).
ALTER TABLE residents ADD COLUMN building TEXT;
ALTER TABLE residents ADD COLUMN unit TEXT;
ALTER TABLE residents ADD COLUMN room TEXT;
ALTER TABLE residents ADD COLUMN phone TEXT;
ALTER TABLE residents ADD COLUMN thumbnail BLOB;
CREATE INDEX residents_name ON residents(name, id);
CREATE INDEX residents_address ON residents(building, unit, room);
