import { ActionError } from './action-error.js';
import { ConcurrencyLimit, RateLimiter } from './limits.js';

/**
 * Work limits of the action table, for requests from outside (platform over MQTT, CLI, console),
 * kept per requester so that one account cannot use up what others need:
 *
 *   - at most `maxConcurrent` actions running at once in all, and at most three quarters of them
 *     for one requester (a flood of requests cannot pile up handlers, ffmpeg grabs or serial
 *     commands without bound, nor take every slot);
 *   - per requester *and* action, a token bucket: `perMinute` on average, `burst` at once. An
 *     action may declare its own, tighter rate (`Action.rate`); others get the default. A viewer
 *     at the ceiling of `alarm/list` empties only its own bucket;
 *   - alarm handling (`NEVER_STARVED`: reading, acknowledging and resolving alarms) takes no
 *     shared slot, so however busy the box is, the alarm banner and the siren's silencing work;
 *     its per-requester bucket still applies.
 *
 * A request over a limit is refused at once with `busy` and a message that says which limit and
 * when to retry; it never waits in a queue. Internal (`system`) runs are not limited: a fail-safe
 * command or a timer never waits for a platform's flood. Pure: the clock is injectable.
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

/** Cheap actions the alarm banner and responders depend on: never refused for lack of a shared slot. */
export const NEVER_STARVED: ReadonlySet<string> = new Set(['alarm/list', 'alarm/ack', 'alarm/resolve']);

export class ActionLimits {
  private readonly slots: ConcurrencyLimit;
  private readonly perRequester = new Map<string, ConcurrencyLimit>();
  private readonly rates = new RateLimiter();
  private readonly now: () => number;
  readonly maxPerRequester: number;

  constructor(private readonly opts: ActionLimitsOptions) {
    this.slots = new ConcurrencyLimit(opts.maxConcurrent);
    this.maxPerRequester = Math.max(1, Math.ceil((opts.maxConcurrent * 3) / 4));
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * Takes a slot and a token for `name` asked by `requester` (channel and name, e.g.
   * `platform:ops-desk`), or throws ActionError('busy'); call the release it returns when done.
   */
  acquire(name: string, rate: Rate = this.opts.defaultRate, requester = 'anonymous'): () => void {
    if (NEVER_STARVED.has(name)) {
      this.takeToken(name, rate, requester);
      return () => undefined;
    }
    let own = this.perRequester.get(requester);
    if (!own) {
      own = new ConcurrencyLimit(this.maxPerRequester);
      this.perRequester.set(requester, own);
    }
    const mine = own;
    const releaseOwn = mine.acquire();
    if (!releaseOwn)
      throw new ActionError(
        `${name}: ${requester} already has ${mine.inFlight} requests running (at most ${this.maxPerRequester} of cloud.maxConcurrentRequests = ${this.opts.maxConcurrent}); try again shortly`,
        'busy',
      );
    let released = false;
    const releaseAll = () => {
      if (released) return;
      released = true;
      releaseShared?.();
      releaseOwn();
      if (mine.inFlight === 0 && this.perRequester.get(requester) === mine) this.perRequester.delete(requester);
    };
    const releaseShared = this.slots.acquire();
    if (!releaseShared) {
      releaseAll();
      throw new ActionError(
        `${name}: ${this.slots.inFlight} requests are already running (cloud.maxConcurrentRequests = ${this.opts.maxConcurrent}); try again shortly`,
        'busy',
      );
    }
    try {
      this.takeToken(name, rate, requester);
    } catch (err) {
      releaseAll();
      throw err;
    }
    return releaseAll;
  }

  private takeToken(name: string, rate: Rate, requester: string): void {
    const burst = rate.burst ?? rate.perMinute;
    const waitMs = this.rates.take(`${requester}\u0000${name}`, rate.perMinute, this.now(), burst);
    if (waitMs > 0)
      throw new ActionError(
        `${name}: more than ${rate.perMinute} per minute (burst ${burst}) for ${requester}; try again in ${Math.max(1, Math.ceil(waitMs / 1000))} s`,
        'busy',
      );
  }

  /** Actions running now (shared slots). */
  get inFlight(): number {
    return this.slots.inFlight;
  }
}
