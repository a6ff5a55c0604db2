import { ActionError } from './actions.js';

/**
 * Work limits of the action table, for requests from outside (platform over MQTT, CLI, console):
 *
 *   - at most `maxConcurrent` actions running at once (a flood of requests cannot pile up
 *     handlers, ffmpeg grabs or serial commands without bound);
 *   - per action, a token bucket: `perMinute` on average, `burst` at once. An action may declare
 *     its own, tighter rate (`Action.rate`); others get the default.
 *
 * A request over a limit is refused at once with `busy` and a message that says which limit and
 * when to retry; it never waits in a queue. Internal (`system`) runs are not limited: a fail-safe
 * command or a timer never waits for a platform's flood. The clock is injectable for tests.
 */
export interface Rate {
  perMinute: number;
  burst?: number;
}

export interface ActionLimitsOptions {
  maxConcurrent: number;
  defaultRate: Rate;
  now?: () => number;
}

export class ActionLimits {
  private running = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: ActionLimitsOptions) {
    this.now = opts.now ?? (() => performance.now());
  }

  /** Takes a slot and a token for `name`, or throws ActionError('busy'); call the release it returns when done. */
  acquire(name: string, rate: Rate = this.opts.defaultRate): () => void {
    if (this.running >= this.opts.maxConcurrent)
      throw new ActionError(
        `${name}: ${this.running} requests are already running (cloud.maxConcurrentRequests = ${this.opts.maxConcurrent}); try again shortly`,
        'busy',
      );
    const burst = rate.burst ?? rate.perMinute;
    const perMs = rate.perMinute / 60_000;
    const t = this.now();
    const b = this.buckets.get(name) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + (t - b.at) * perMs);
    b.at = t;
    this.buckets.set(name, b);
    if (b.tokens < 1) {
      const waitS = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
      throw new ActionError(`${name}: more than ${rate.perMinute} per minute (burst ${burst}); try again in ${waitS} s`, 'busy');
    }
    b.tokens -= 1;
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }

  /** Actions running now. */
  get inFlight(): number {
    return this.running;
  }
}
