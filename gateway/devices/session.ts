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
}

export interface CommandResult {
  ok: boolean;
  attempts: number;
  /** timeout | refused | offline | exception-N | write-failed */
  error?: string;
  reply?: Record<string, number>;
}

export interface ProtocolSession {
  execute(plan: CommandPlan): Promise<CommandResult>;
  /** One heartbeat exchange (status query or poll); true when the device answered. */
  heartbeat(): Promise<boolean>;
  onBytes(chunk: Buffer): void;
  /** The link went down: fail what is pending. */
  onLinkDown(): void;
  stop(): void;
}

/** A FIFO that runs async jobs one at a time (half-duplex buses: one request in flight). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.tail.then(job, job);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

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
