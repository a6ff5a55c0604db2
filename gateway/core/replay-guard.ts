import { ActionError } from './actions.js';

/**
 * Refuses gate commands that are stale (sent longer than `maxAgeS` ago, or dated in the future
 * beyond the same margin) or replayed (a nonce already seen within that window). Nonces are
 * remembered only for as long as a request can be fresh, so memory stays bounded.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxAgeS: number,
    private readonly now: () => number = Date.now,
  ) {}

  check(stamp: { ts?: string; nonce?: string }): void {
    const { ts, nonce } = stamp;
    if (!ts || !nonce)
      throw new ActionError('a gate command needs "ts" (ISO 8601 time it was sent) and "nonce" (unique) beside "transaction"', 'stale');
    const sent = Date.parse(ts);
    if (!Number.isFinite(sent)) throw new ActionError(`"ts" is not an ISO 8601 time: ${ts}`, 'stale');
    const now = this.now();
    const ageS = (now - sent) / 1000;
    if (ageS > this.maxAgeS)
      throw new ActionError(`gate command sent ${ageS.toFixed(1)} s ago, older than ${this.maxAgeS} s: refused`, 'stale');
    if (ageS < -this.maxAgeS) throw new ActionError(`gate command dated ${(-ageS).toFixed(1)} s in the future: check the clocks`, 'stale');
    this.prune(now);
    if (nonce.length > 128) throw new ActionError('"nonce" longer than 128 characters', 'stale');
    if (this.seen.has(nonce)) throw new ActionError(`nonce ${nonce} was already used: replayed gate command refused`, 'replayed');
    this.seen.set(nonce, now);
  }

  private prune(now: number): void {
    const horizon = now - this.maxAgeS * 2000;
    for (const [n, t] of this.seen) {
      if (t >= horizon) break; // insertion order is time order
      this.seen.delete(n);
    }
  }
}
