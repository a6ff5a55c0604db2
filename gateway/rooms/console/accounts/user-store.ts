import type { Database } from '../../../store/database.js';
import { ROLES, type Role } from '../../../core/roles.js';

/**
 * Console accounts in SQLite (migration 010). Read on every request (a primary-key lookup), so
 * an account added, removed or changed by `sharpeyes users` takes effect in the running daemon
 * at once.
 */
export interface ConsoleUser {
  id: number;
  name: string;
  role: Role;
  locale: Locale;
  generation: number;
  createdAt: string;
  updatedAt: string;
}

export { ROLES };
export const LOCALES = ['zh', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** The marker before the hash of a disabled account (no scrypt hash starts with it). */
const DISABLED = '!disabled:';
export const isDisabledHash = (hash: string): boolean => hash.startsWith(DISABLED);

interface Row {
  id: number;
  name: string;
  role: Role;
  password: string;
  locale: string;
  generation: number;
  created_at: string;
  updated_at: string;
}

const toUser = (r: Row): ConsoleUser => ({
  id: r.id,
  name: r.name,
  role: r.role,
  locale: (LOCALES as readonly string[]).includes(r.locale) ? (r.locale as Locale) : 'zh',
  generation: r.generation,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class UserStore {
  constructor(private readonly db: Database) {}

  list(): ConsoleUser[] {
    return this.db.prepare<Row>('SELECT * FROM console_users ORDER BY name').all().map(toUser);
  }

  hasAdmin(): boolean {
    return this.db.prepare("SELECT 1 FROM console_users WHERE role = 'admin' LIMIT 1").get() !== undefined;
  }

  byId(id: number): ConsoleUser | undefined {
    const r = this.db.prepare<Row>('SELECT * FROM console_users WHERE id = ?').get(id);
    return r && toUser(r);
  }

  /** The account and its password hash, by name (case-insensitive), for login. */
  credentials(name: string): { user: ConsoleUser; hash: string } | undefined {
    const r = this.db.prepare<Row>('SELECT * FROM console_users WHERE name = ?').get(name);
    return r && { user: toUser(r), hash: r.password };
  }

  add(name: string, role: Role, hash: string, now = new Date()): ConsoleUser {
    if (!USER_NAME.test(name))
      throw new Error(`invalid user name ${JSON.stringify(name)}: letters, digits, "_", ".", "@" or "-", at most 64`);
    if (this.credentials(name)) throw new Error(`user ${name} exists already`);
    const t = now.toISOString();
    const id = this.db
      .prepare('INSERT INTO console_users(name, role, password, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, role, hash, t, t).lastInsertRowid;
    return this.byId(Number(id)) as ConsoleUser;
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM console_users WHERE name = ?').run(name).changes > 0;
  }

  /** New password: the generation changes, so every session of the account ends. */
  setPassword(name: string, hash: string, now = new Date()): boolean {
    return (
      this.db
        .prepare('UPDATE console_users SET password = ?, generation = generation + 1, updated_at = ? WHERE name = ?')
        .run(hash, now.toISOString(), name).changes > 0
    );
  }

  /** Rehash at login with current parameters (same password: sessions stay). */
  rehash(id: number, hash: string): void {
    this.db.prepare('UPDATE console_users SET password = ? WHERE id = ?').run(hash, id);
  }

  setRole(name: string, role: Role, now = new Date()): boolean {
    return (
      this.db.prepare('UPDATE console_users SET role = ?, updated_at = ? WHERE name = ?').run(role, now.toISOString(), name).changes > 0
    );
  }

  setLocale(id: number, locale: Locale): void {
    this.db.prepare('UPDATE console_users SET locale = ? WHERE id = ?').run(locale, id);
  }

  /**
   * Disables (or enables again) an account without a schema change: the stored hash gets a
   * marker no password matches (kept, so enabling restores the password); the generation
   * changes, so its sessions end at once.
   */
  setDisabled(name: string, disabled: boolean, now = new Date()): boolean {
    const c = this.credentials(name);
    if (!c || isDisabledHash(c.hash) === disabled) return Boolean(c);
    const hash = disabled ? `${DISABLED}${c.hash}` : c.hash.slice(DISABLED.length);
    return this.setPassword(name, hash, now);
  }

  /** Admins that can log in (not disabled). */
  enabledAdmins(): number {
    return this.db
      .prepare<{ password: string }>("SELECT password FROM console_users WHERE role = 'admin'")
      .all()
      .filter((r) => !isDisabledHash(r.password)).length;
  }

  admins(): number {
    return (this.db.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM console_users WHERE role = 'admin'").get()?.n ?? 0) as number;
  }
}
