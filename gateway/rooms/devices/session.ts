import type { CommandPlan } from './command-plan.js';

/**
 * What the driver needs from a protocol (framed, Modbus RTU, GPIO): run a planned command with
 * its acknowledgement, timeout and retries; read the device once as a heartbeat; turn incoming
 * bytes into raw resource values. Sessions move raw integers only; the driver applies the
 * profile's transforms.
 */
export interface SessionHooks {
  /** Raw resource values observed on the wire (replies, events, polls). */
  onValues(raw: Record<string, number>): void;
  /** A wire fault: bad checksum, truncated, oversized, wrong unit, unknown message... */
  onFault(kind: string, detail?: Record<string, unknown>): void;
  /** Valid traffic from the device. */
  onAlive(): void;
  /**
   * Whether the end of a timed write (a pulse's release) may still switch `resource` back: false
   * while the fail-safe holds the gate open, so no timer started before a fire alarm closes it.
   */
  mayRelease(resource: string): boolean;
}

export interface ExecuteOptions {
  /** Fail-safe commands (hold-open, close after a fault) go ahead of everything waiting. */
  urgent?: boolean;
  /**
   * Checked when the command's turn on the line comes, not when it was asked for: false calls it
   * off unsent ('refused'). A close queued behind a slow exchange must not reach a gate that a
   * fire alarm started holding open meanwhile.
   */
  guard?: () => boolean;
}

import type { CommandResult } from '../../core/services.js';

export type { CommandResult };

export interface ProtocolSession {
  execute(plan: CommandPlan, opts?: ExecuteOptions): Promise<CommandResult>;
  /** One heartbeat exchange (status query or poll); true when the device answered. */
  heartbeat(): Promise<boolean>;
  onBytes(chunk: Buffer): void;
  /** The link went down: fail what is pending. */
  onLinkDown(): void;
  stop(): void;
}

/** A job refused because too many wait for the line already (a device that stopped answering). */
export class QueueFull extends Error {
  constructor(waiting: number) {
    super(`${waiting} commands already wait for this device's line`);
  }
}

/**
 * Runs async jobs one at a time (half-duplex buses: one request in flight), in order, except
 * that urgent jobs (fail-safe commands) go ahead of every job still waiting. Bounded: past
 * `max` waiting jobs of a class, a new one is refused (QueueFull) rather than queued, so a
 * silent device costs memory and time in proportion to its line, not to what keeps asking.
 */
export class SerialQueue {
  private readonly urgent: Array<() => void> = [];
  private readonly normal: Array<() => void> = [];
  private busy = false;

  constructor(private readonly max = MAX_WAITING) {}

  run<T>(job: () => Promise<T>, opts: { urgent?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const list = opts.urgent ? this.urgent : this.normal;
      if (list.length >= this.max) {
        reject(new QueueFull(list.length));
        return;
      }
      const start = () => {
        let p: Promise<T>;
        try {
          p = job();
        } catch (err) {
          p = Promise.reject(err);
        }
        p.then(resolve, reject).finally(() => {
          this.busy = false;
          this.next();
        });
      };
      list.push(start);
      if (!this.busy) this.next();
    });
  }

  /** Jobs waiting (not counting the one running). */
  get waiting(): number {
    return this.urgent.length + this.normal.length;
  }

  private next(): void {
    const start = this.urgent.shift() ?? this.normal.shift();
    if (!start) return;
    this.busy = true;
    start();
  }
}

/** Jobs that may wait for one device's line, per class (urgent, normal). */
export const MAX_WAITING = 32;

/**
 * The one reply a master session is waiting for (half-duplex: at most one). `wait` arms it with
 * what identifies the expected reply; a matching frame settles it with `deliver`, the timer with
 * 'timeout', and a link going down with `cancel` ('lost'). Arming again replaces the slot.
 */
export class ReplySlot<Key, Reply> {
  private current: { key: Key; settle(r: Reply | 'lost' | 'timeout'): void } | undefined;

  /** What the armed slot expects, if any. */
  get expected(): Key | undefined {
    return this.current?.key;
  }

  wait(key: Key, timeoutMs: number): Promise<Reply | 'lost' | 'timeout'> {
    return new Promise((resolve) => {
      const slot = {
        key,
        settle: (r: Reply | 'lost' | 'timeout') => {
          clearTimeout(timer);
          if (this.current === slot) this.current = undefined;
          resolve(r);
        },
      };
      const timer = setTimeout(() => slot.settle('timeout'), timeoutMs);
      this.current = slot;
    });
  }

  deliver(reply: Reply): void {
    this.current?.settle(reply);
  }

  cancel(): void {
    this.current?.settle('lost');
  }
}
