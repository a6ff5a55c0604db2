import { ActionError } from './actions.js';
import { ConcurrencyLimit, RateLimiter } from './limits.js';

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
  private readonly slots: ConcurrencyLimit;
  private readonly rates = new RateLimiter();
  private readonly now: () => number;

  constructor(private readonly opts: ActionLimitsOptions) {
    this.slots = new ConcurrencyLimit(opts.maxConcurrent);
    this.now = opts.now ?? (() => performance.now());
  }

  /** Takes a slot and a token for `name`, or throws ActionError('busy'); call the release it returns when done. */
  acquire(name: string, rate: Rate = this.opts.defaultRate): () => void {
    const release = this.slots.acquire();
    if (!release)
      throw new ActionError(
        `${name}: ${this.slots.inFlight} requests are already running (cloud.maxConcurrentRequests = ${this.opts.maxConcurrent}); try again shortly`,
        'busy',
      );
    const burst = rate.burst ?? rate.perMinute;
    const waitMs = this.rates.take(name, rate.perMinute, this.now(), burst);
    if (waitMs > 0) {
      release();
      throw new ActionError(
        `${name}: more than ${rate.perMinute} per minute (burst ${burst}); try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
        'busy',
      );
    }
    return release;
  }

  /** Actions running now. */
  get inFlight(): number {
    return this.slots.inFlight;
  }
}
