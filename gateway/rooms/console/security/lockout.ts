/**
 * Lockout after repeated login failures, per key (an account name, or a client address).
 * `freeFailures` failures in a row are allowed; each one after that locks the key for a delay
 * that doubles from `baseMs` up to `maxMs`. A success clears the key; a key idle for `forgetMs`
 * is forgotten (the doubling is the gateway's one backoff, gateway/core/backoff.ts). Pure: time
 * comes from the caller.
 */
import { backoffDelay, NO_JITTER } from '../../../core/backoff.js';

export interface LockoutPolicy {
  freeFailures: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
  /** Keys remembered at most (oldest dropped), so random names cannot exhaust memory. */
  maxKeys: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class Lockout {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly policy: LockoutPolicy) {}

  /** Milliseconds the key must still wait, 0 when it may try. */
  retryAfterMs(key: string, now: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (now - e.lastFailure >= this.policy.forgetMs) {
      this.entries.delete(key);
      return 0;
    }
    return Math.max(0, e.lockedUntil - now);
  }

  /** Records a failure; returns the lock it starts (0 while the key still has free failures). */
  fail(key: string, now: number): number {
    let e = this.entries.get(key);
    if (e && now - e.lastFailure >= this.policy.forgetMs) e = undefined;
    if (!e) {
      while (this.entries.size >= this.policy.maxKeys) {
        const oldest = this.entries.keys().next().value;
        if (oldest === undefined) break;
        this.entries.delete(oldest);
      }
      e = { failures: 0, lockedUntil: 0, lastFailure: now };
    }
    this.entries.delete(key);
    this.entries.set(key, e); // most recent last
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - this.policy.freeFailures;
    const lockMs = over > 0 ? backoffDelay(over - 1, this.policy.baseMs, this.policy.maxMs, NO_JITTER) : 0;
    e.lockedUntil = now + lockMs;
    return lockMs;
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  failures(key: string): number {
    return this.entries.get(key)?.failures ?? 0;
  }
}

export const ACCOUNT_LOCKOUT: LockoutPolicy = {
  freeFailures: 5,
  baseMs: 30_000,
  maxMs: 15 * 60_000,
  forgetMs: 24 * 3600_000,
  maxKeys: 10_000,
};
export const ADDRESS_LOCKOUT: LockoutPolicy = {
  freeFailures: 10,
  baseMs: 30_000,
  maxMs: 15 * 60_000,
  forgetMs: 24 * 3600_000,
  maxKeys: 10_000,
};
