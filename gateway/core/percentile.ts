/**
 * Nearest-rank percentile (the smallest value with at least p% of the values at or below it):
 * the one definition every benchmark and evaluation in the project reports. NaN for no values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
