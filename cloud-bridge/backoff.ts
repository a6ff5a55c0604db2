/**
 * Reconnect delay after `failures` consecutive failed attempts: min, 2*min, 4*min ... capped at
 * max, then a random share of up to half of it taken off ("equal jitter": uniform in
 * [delay/2, delay]), the first retry included, so a city's worth of nodes that lost the same
 * broker at the same instant do not all come back in the same few milliseconds.
 * Pure: `random` is injected for tests.
 */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures, 30)));
  return Math.round(exp * (1 - 0.5 * random()));
}
