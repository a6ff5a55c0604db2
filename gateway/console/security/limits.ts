/**
 * Work limits of the console: how many requests run at once, and how often one user may run
 * each action (token buckets). Both refuse with the `busy` error code. Pure: time comes from
 * the caller.
 */
export class ConcurrencyLimit {
  private running = 0;

  constructor(readonly max: number) {}

  get inFlight(): number {
    return this.running;
  }

  /** Takes a slot; returns its release function, or undefined when every slot is taken. */
  acquire(): (() => void) | undefined {
    if (this.running >= this.max) return undefined;
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Per key (user + action) token buckets: `perMinute` requests a minute, bursts up to `burst`. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly maxKeys = 10_000) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is free. */
  take(key: string, perMinute: number, now: number, burst = Math.max(1, Math.ceil(perMinute / 6))): number {
    const rate = perMinute / 60_000;
    let b = this.buckets.get(key);
    if (!b) {
      while (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest === undefined) break;
        this.buckets.delete(oldest);
      }
      b = { tokens: burst, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / rate);
  }
}

/**
 * Requests a minute per user for each action: gate commands and enrolment are the costly or
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
