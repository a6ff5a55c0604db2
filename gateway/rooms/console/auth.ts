import type { Actor, AuditEntry } from '../../core/actions.js';
import type { Logger } from '../../core/logger.js';
import { hashPassword, needsRehash, verifyPassword, DEFAULT_PARAMS, type ScryptParams } from './accounts/password.js';
import type { ConsoleUser, UserStore } from './accounts/user-store.js';
import { HttpError } from './http-util.js';
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT, Lockout, type LockoutPolicy } from './security/lockout.js';
import { SessionStore, type Session } from './security/sessions.js';

export interface AuthOptions {
  users: UserStore;
  log: Logger;
  /** Writes an audit row and publishes audit.action (gateway/core/audit). */
  audit(entry: AuditEntry): void;
  idleMs: number;
  absoluteMs: number;
  kdf?: ScryptParams;
  accountLockout?: LockoutPolicy;
  addressLockout?: LockoutPolicy;
  /** Sessions one account keeps at most (its oldest ends at the next login). */
  maxSessionsPerUser?: number;
  now?: () => number;
}

/** A request's live session and its account as it is now (role changes apply at once). */
export interface Authenticated {
  id: string;
  session: Session;
  user: ConsoleUser;
  actor: Actor;
}

/** Password hashes waiting beyond this are refused as busy (a login flood). */
const MAX_KDF_WAITING = 8;

/**
 * Logins, sessions and lockouts of the console. Guessing is slowed per account *and* address
 * (5 free failures, then a doubling lock for that pair) and per address whatever the account
 * (10 free failures): a stranger guessing `admin` locks only their own address out, never the
 * admin at theirs. Addresses are the client's behind trusted proxies (console.trustedProxies). Passwords are checked one at a time (scrypt
 * takes 32 MiB and a core for a moment); a name that does not exist costs the same hash, so
 * timing does not tell which names exist. Login, logout, failures that start a lockout are
 * audited (audit_log + audit.action) and logged.
 */
export class ConsoleAuth {
  readonly sessions: SessionStore;
  private readonly byAccount: Lockout;
  private readonly byAddress: Lockout;
  private kdfChain: Promise<unknown> = Promise.resolve();
  private kdfWaiting = 0;
  private dummyHash: Promise<string> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: AuthOptions) {
    this.sessions = new SessionStore({ idleMs: opts.idleMs, absoluteMs: opts.absoluteMs, maxPerUser: opts.maxSessionsPerUser ?? 10 });
    this.byAccount = new Lockout(opts.accountLockout ?? ACCOUNT_LOCKOUT);
    this.byAddress = new Lockout(opts.addressLockout ?? ADDRESS_LOCKOUT);
    this.now = opts.now ?? Date.now;
  }

  /** The live session of a cookie, checked against the account store (gone, or password changed: ended). */
  authenticate(cookieValue: string | undefined, touch = true): Authenticated | undefined {
    if (!cookieValue) return undefined;
    const session = this.sessions.get(cookieValue, this.now(), touch);
    if (!session) return undefined;
    const user = this.opts.users.byId(session.userId);
    if (!user || user.generation !== session.generation) {
      this.sessions.destroy(cookieValue);
      return undefined;
    }
    session.role = user.role;
    return { id: cookieValue, session, user, actor: { channel: 'console', name: user.name, role: user.role } };
  }

  /** Checks a name and password; on success a new session (the previous cookie, if any, ends). */
  async login(name: string, password: string, address: string, previous?: string): Promise<{ id: string; user: ConsoleUser }> {
    const now = this.now();
    const accountKey = name.toLowerCase().slice(0, 64);
    const pairKey = `${accountKey}\u0000${address}`;
    const wait = Math.max(this.byAccount.retryAfterMs(pairKey, now), this.byAddress.retryAfterMs(address, now));
    if (wait > 0) {
      this.opts.log.warn({ user: accountKey, address, retryAfterS: Math.ceil(wait / 1000) }, 'console login refused: locked out');
      throw new HttpError(429, `too many failed logins: try again in ${Math.ceil(wait / 1000)} s`, 'locked', {
        'retry-after': String(Math.ceil(wait / 1000)),
      });
    }
    const creds = this.opts.users.credentials(name);
    const ok = await this.hashed(async () => {
      const good = await verifyPassword(password, creds?.hash ?? (await this.dummy()));
      return good && creds !== undefined;
    });
    if (!ok || !creds) {
      const lockAccount = this.byAccount.fail(pairKey, this.now());
      const lockAddress = this.byAddress.fail(address, this.now());
      const lockMs = Math.max(lockAccount, lockAddress);
      const actor: Actor = { channel: 'console', name: accountKey, role: creds?.user.role ?? 'viewer' };
      this.opts.log.warn({ user: accountKey, address, failures: this.byAccount.failures(pairKey) }, 'console login failed');
      this.opts.audit({
        action: 'console/login',
        actor,
        transaction: `login-${now}`,
        input: { address },
        ok: false,
        code: 'unauthenticated',
        error: 'wrong name or password',
      });
      if (lockMs > 0) {
        this.opts.log.warn({ user: accountKey, address, lockS: Math.ceil(lockMs / 1000) }, 'console login locked out');
        this.opts.audit({
          action: 'console/lockout',
          actor,
          transaction: `lockout-${now}`,
          input: { address, seconds: Math.ceil(lockMs / 1000), by: lockAccount >= lockAddress ? 'account+address' : 'address' },
          ok: true,
        });
      }
      throw new HttpError(401, 'wrong name or password', 'unauthenticated');
    }
    this.byAccount.succeed(pairKey);
    this.byAddress.succeed(address);
    const { user } = creds;
    if (needsRehash(creds.hash, this.opts.kdf ?? DEFAULT_PARAMS)) {
      const fresh = await this.hashed(() => hashPassword(password, this.opts.kdf ?? DEFAULT_PARAMS));
      this.opts.users.rehash(user.id, fresh);
    }
    const { id } = this.sessions.create(
      { userId: user.id, name: user.name, role: user.role, generation: user.generation, address },
      this.now(),
      previous,
    );
    this.opts.log.info({ user: user.name, role: user.role, address }, 'console login');
    this.opts.audit({
      action: 'console/login',
      actor: { channel: 'console', name: user.name, role: user.role },
      transaction: `login-${now}`,
      input: { address },
      ok: true,
    });
    return { id, user };
  }

  logout(auth: Authenticated, address: string): void {
    this.sessions.destroy(auth.id);
    this.opts.log.info({ user: auth.user.name, address }, 'console logout');
    this.opts.audit({ action: 'console/logout', actor: auth.actor, transaction: `logout-${this.now()}`, input: { address }, ok: true });
  }

  /** Runs password hashing one at a time; refuses with busy when too many wait. */
  private hashed<T>(fn: () => Promise<T>): Promise<T> {
    if (this.kdfWaiting >= MAX_KDF_WAITING) return Promise.reject(new HttpError(503, 'too many logins at once: try again shortly', 'busy'));
    this.kdfWaiting++;
    const run = this.kdfChain.then(fn, fn);
    this.kdfChain = run.catch(() => undefined).finally(() => this.kdfWaiting--);
    return run;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword('not a password of anybody', this.opts.kdf ?? DEFAULT_PARAMS);
    return this.dummyHash;
  }
}
