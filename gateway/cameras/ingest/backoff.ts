/** Restart delay after the n-th consecutive failure (0-based): min, 2·min, 4·min ... capped at max. */
export function restartDelayMs(attempt: number, minMs: number, maxMs: number): number {
  if (attempt <= 0) return minMs;
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}
