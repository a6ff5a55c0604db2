import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../../core/roles.js';

/**
 * Server-side console sessions. The cookie carries a random 256-bit id; the store keeps only
 * its SHA-256, so a memory dump does not hand out live cookies. A session ends after `idleMs`
 * without a request, `absoluteMs` after login whatever happens, at logout, or when its user's
 * `generation` changes (password changed, removed). Each has its own CSRF token (synchronizer
 * pattern: sent back in the X-CSRF-Token header of every state-changing request).
 * Pure apart from randomness; time comes from the caller.
 */
export interface Session {
  userId: number;
  name: string;
  role: Role;
  /** The user's generation at login; a different one in the user store ends the session. */
  generation: number;
  csrf: string;
  createdAt: number;
  lastSeen: number;
  address: string;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /**
   * Sessions one account keeps at most: its own oldest is ended at the next login. A viewer
   * logging in again and again ends only its own sessions, never an admin's; memory stays
   * bounded by accounts × this.
   */
  maxPerUser: number;
}

const hash = (id: string) => createHash('sha256').update(id).digest('base64url');

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly limits: SessionLimits) {}

  get size(): number {
    return this.sessions.size;
  }

  /** A new session (login): returns the cookie value; `previous` (the old cookie, if any) is ended, so ids rotate at login. */
  create(user: Omit<Session, 'csrf' | 'createdAt' | 'lastSeen'>, now: number, previous?: string): { id: string; session: Session } {
    if (previous) this.destroy(previous);
    this.sweep(now);
    // Insertion order is login order: the first ones found are the account's oldest.
    const own = [...this.sessions].filter(([, s]) => s.userId === user.userId);
    for (const [key] of own.slice(0, Math.max(0, own.length - this.limits.maxPerUser + 1))) this.sessions.delete(key);
    const id = newToken();
    const session: Session = { ...user, csrf: newToken(), createdAt: now, lastSeen: now };
    this.sessions.set(hash(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, touched (idle timer restarted); undefined if none or expired. */
  get(id: string | undefined, now: number, touch = true): Session | undefined {
    if (!id) return undefined;
    const key = hash(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (this.expired(s, now)) {
      this.sessions.delete(key);
      return undefined;
    }
    if (touch) s.lastSeen = now;
    return s;
  }

  expired(s: Session, now: number): boolean {
    return now - s.lastSeen >= this.limits.idleMs || now - s.createdAt >= this.limits.absoluteMs;
  }

  destroy(id: string): Session | undefined {
    const key = hash(id);
    const s = this.sessions.get(key);
    this.sessions.delete(key);
    return s;
  }

  /** Ends every session of a user (removed, password changed); returns how many. */
  destroyUser(userId: number): number {
    let n = 0;
    for (const [k, s] of this.sessions)
      if (s.userId === userId) {
        this.sessions.delete(k);
        n++;
      }
    return n;
  }

  sweep(now: number): void {
    for (const [k, s] of this.sessions) if (this.expired(s, now)) this.sessions.delete(k);
  }
}
