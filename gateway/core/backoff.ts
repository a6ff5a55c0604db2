/**
 * The one reconnect/restart backoff of the gateway (MQTT link, GB28181 registration, GA/T 1400
 * session and pusher, camera ffmpeg restarts, serial and GPIO devices).
 *
 * Delay after `failures` consecutive failed attempts: min, 2*min, 4*min ... capped at max, then
 * a random share of up to half of it taken off ("equal jitter": uniform in [delay/2, delay]),
 * the first retry included, so a city's worth of nodes that lost the same broker at the same
 * instant do not all come back in the same few milliseconds. Local peers (a camera, a serial
 * line) pass NO_JITTER: plain doubling.
 * Pure: `random` is injected for tests.
 */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures, 30)));
  return Math.round(exp * (1 - 0.5 * random()));
}

/** `random` for backoffDelay without jitter: min, 2*min, 4*min ... max exactly. */
export const NO_JITTER = (): number => 0;

/** A backoff that counts its own failures: `next()` after each failure, `reset()` on success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt (and one more failure counted). */
  next(): number {
    return backoffDelay(this.failures++, this.minMs, this.maxMs, this.random);
  }

  reset(): void {
    this.failures = 0;
  }
}
