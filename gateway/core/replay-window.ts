/**
 * The replay rule of state-changing MQTT requests, pure (time comes from the caller, nothing is
 * read or written here; core/replay-guard.ts persists what this admits):
 *
 *   - a request carries `ts`, when it was sent, as ISO 8601 *with a zone* (`Z` or `+08:00`): a
 *     time without one would be read in the box's own zone, so it is refused;
 *   - it is fresh when sent at most `maxAgeS` ago and at most `maxAgeS` ahead (clock skew);
 *   - its `nonce` must not have been used before by the same account within that window.
 *
 * A nonce is remembered until its request could no longer be fresh (sent + maxAgeS), so the
 * window bounds the store; a count cap bounds it too: beyond `maxEntries`, the nonces of the
 * oldest requests are forgotten and the `horizon` moves to their send time. A request sent at
 * or before the horizon is refused as stale, so a forgotten nonce still cannot replay.
 */
export interface Stamp {
  ts?: string | undefined;
  nonce?: string | undefined;
}

export type Verdict = { ok: true; key: string; sentAt: number } | { ok: false; code: 'stale' | 'replayed'; message: string };

/** ISO 8601 date-time with seconds optional, fractions optional, and a mandatory zone. */
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Date.parse rolls 31 February over into March: the calendar date must exist. */
function realDate(ts: string): boolean {
  const [y, m, d] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
  return m >= 1 && m <= 12 && d >= 1 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

export const NONCE_MIN = 8;
export const NONCE_MAX = 128;

/** The nonce store key: nonces are per account (two platforms may count alike). */
export const nonceKey = (account: string, nonce: string): string => `${account}\u0000${nonce}`;

export class ReplayWindow {
  /** key → when its request was sent (ms). */
  private readonly seen = new Map<string, number>();
  private lastPrune = -Infinity;
  /** Requests sent at or before this (ms) are stale: their nonces may have been forgotten. */
  horizon = -Infinity;

  constructor(
    readonly maxAgeS: number,
    readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** Decides on one request; admits nothing (call `admit` with the key once it is persisted). */
  check(account: string, stamp: Stamp, now: number): Verdict {
    const { ts, nonce } = stamp;
    const refuse = (code: 'stale' | 'replayed', message: string): Verdict => ({ ok: false, code, message });
    if (!ts || !nonce)
      return refuse(
        'stale',
        'a request that changes something needs "ts" (when it was sent, ISO 8601 with a zone, e.g. 2026-11-29T10:00:00Z or +08:00) and "nonce" (unique, 8-128 characters) beside "transaction"',
      );
    if (!ZONED.test(ts)) return refuse('stale', `"ts" must be ISO 8601 with a zone (Z or ±hh:mm), got ${JSON.stringify(ts.slice(0, 40))}`);
    const sentAt = Date.parse(ts);
    if (!Number.isFinite(sentAt) || !realDate(ts)) return refuse('stale', `"ts" is not a valid time: ${JSON.stringify(ts.slice(0, 40))}`);
    if (nonce.length < NONCE_MIN || nonce.length > NONCE_MAX)
      return refuse('stale', `"nonce" must be ${NONCE_MIN}-${NONCE_MAX} characters long`);
    const ageS = (now - sentAt) / 1000;
    if (ageS > this.maxAgeS) return refuse('stale', `request sent ${ageS.toFixed(1)} s ago, older than ${this.maxAgeS} s: refused`);
    if (ageS < -this.maxAgeS) return refuse('stale', `request dated ${(-ageS).toFixed(1)} s in the future: check the clocks`);
    if (sentAt <= this.horizon)
      return refuse(
        'stale',
        'request older than the oldest one this box still remembers (nonce store full): send it again with a new ts and nonce',
      );
    const key = nonceKey(account, nonce);
    this.prune(now);
    const seenAt = this.seen.get(key);
    if (seenAt !== undefined && seenAt + this.maxAgeS * 1000 >= now)
      return refuse('replayed', `nonce ${JSON.stringify(nonce)} was already used: replayed request refused`);
    return { ok: true, key, sentAt };
  }

  /** Remembers an admitted nonce; returns the entries forgotten to stay within `maxEntries`. */
  admit(key: string, sentAt: number): { evicted: number } {
    this.seen.set(key, sentAt);
    if (this.seen.size <= this.maxEntries) return { evicted: 0 };
    // Forget the oldest tenth at once (one sort per many admissions), and refuse what they could replay.
    const drop = [...this.seen].sort((a, b) => a[1] - b[1]).slice(0, Math.max(1, Math.ceil(this.maxEntries / 10)));
    for (const [k, t] of drop) {
      this.seen.delete(k);
      if (t > this.horizon) this.horizon = t;
    }
    return { evicted: drop.length };
  }

  /** Drops nonces whose requests can no longer be fresh (at most once a second). */
  prune(now: number, force = false): void {
    if (!force && now - this.lastPrune < 1000) return;
    this.lastPrune = now;
    const oldest = now - this.maxAgeS * 1000;
    for (const [k, t] of this.seen) if (t < oldest) this.seen.delete(k);
  }

  /** What is remembered, for persisting: [key, sentAt] pairs. */
  entries(): [string, number][] {
    return [...this.seen];
  }
}
