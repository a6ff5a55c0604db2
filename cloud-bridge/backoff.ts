/**
 * Reconnect delay after `failures` consecutive failed attempts: min, 2*min, 4*min ... capped at
 * max, with up to 20% jitter taken off so a city's worth of nodes do not reconnect in lockstep.
 * Pure: `random` is injected for tests.
 */
export function backoffDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures, 30)));
  const jitter = 1 - 0.2 * random();
  return Math.max(minMs, Math.round(exp * jitter));
}
