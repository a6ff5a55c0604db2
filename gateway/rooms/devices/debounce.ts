/**
 * Leading-edge debounce with a lockout: a change is reported at once (no added latency for a
 * button press), then further changes are held for `ms`; when the window ends, the latest raw
 * state is reported if it differs from the last one reported. Bounce within the window is
 * swallowed and the final state is never lost. Pure: the caller passes the time and calls
 * `settle` at `wakeAt`.
 */
export class Debouncer {
  private reported: boolean;
  private latest: boolean;
  private lockedUntil = -Infinity;

  constructor(
    private readonly ms: number,
    initial = false,
  ) {
    this.reported = initial;
    this.latest = initial;
  }

  get state(): boolean {
    return this.reported;
  }

  /** When `settle` should be called, if a held change may be pending. */
  get wakeAt(): number | undefined {
    return this.latest !== this.reported ? this.lockedUntil : undefined;
  }

  /** A raw observation; returns the state to report now, if any. */
  update(raw: boolean, now: number): boolean | undefined {
    this.latest = raw;
    if (now < this.lockedUntil || raw === this.reported) return undefined;
    return this.report(raw, now);
  }

  /** End of a lockout window; returns the state to report, if it changed meanwhile. */
  settle(now: number): boolean | undefined {
    if (now < this.lockedUntil || this.latest === this.reported) return undefined;
    return this.report(this.latest, now);
  }

  private report(v: boolean, now: number): boolean {
    this.reported = v;
    this.lockedUntil = now + this.ms;
    return v;
  }
}
