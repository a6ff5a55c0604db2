-- Local console accounts (gateway/rooms/console/accounts). Passwords are scrypt hashes; `generation`
-- changes when the password changes or the account is removed, which ends its sessions.
CREATE TABLE console_users (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  password    TEXT NOT NULL,
  locale      TEXT NOT NULL DEFAULT 'zh',
  generation  INTEGER NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
