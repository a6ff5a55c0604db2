/**
 * The console's rates (counted by core/limits.ts's RateLimiter). Requests a minute per user for
 * each action: gate commands and enrolment are the costly or
 * sensitive ones; reads are generous (a dashboard polls). `console.rateLimits` overrides by name.
 */
export function actionRatePerMinute(action: string, role: 'viewer' | 'operator' | 'admin', overrides: Record<string, number>): number {
  const o = overrides[action];
  if (o !== undefined) return o;
  if (action === 'residents/add' || action === 'residents/check') return 12;
  if (action.startsWith('gate/')) return 30;
  if (action === 'cameras/snapshot') return 30;
  return role === 'viewer' ? 600 : 60;
}
