/**
 * Work limits, pure (time comes from the caller): how many things run at once, and token buckets
 * per key. The action table (core/action-limits.ts) and the console (console/server.ts) both
 * refuse over-limit requests with `busy` through these.
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
