/**
 * Keepalive (GB/T 28181-2016 §9.6): a Notify/Keepalive MESSAGE every interval while registered.
 * `misses` unanswered in a row, or a refusal (the platform no longer knows the device, e.g. after
 * its restart), mean the registration is gone: `onLost` registers again.
 */
import type { Logger } from '../../gateway/core/logger.js';

export interface KeepaliveOptions {
  intervalMs: number;
  misses: number;
  log: Logger;
  /** Sends one keepalive; resolves with the final status code, rejects on timeout. */
  send(): Promise<number>;
  onLost(reason: string): void;
}

export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private missed = 0;
  private inFlight = false;
  sent = 0;
  answered = 0;

  constructor(private readonly o: KeepaliveOptions) {}

  start(): void {
    this.stop();
    this.missed = 0;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.inFlight) return; // the previous one is still retransmitting: it counts when it ends
    this.inFlight = true;
    this.sent++;
    try {
      const status = await this.o.send();
      if (status >= 200 && status < 300) {
        this.answered++;
        this.missed = 0;
        return;
      }
      this.o.log.warn({ status }, 'the platform refused a keepalive; registering again');
      this.stop();
      this.o.onLost(`keepalive refused (${status})`);
    } catch (err) {
      this.missed++;
      this.o.log.warn({ missed: this.missed, of: this.o.misses, err: (err as Error).message }, 'keepalive unanswered');
      if (this.missed >= this.o.misses && this.timer) {
        this.stop();
        this.o.onLost(`${this.missed} keepalives unanswered`);
      }
    } finally {
      this.inFlight = false;
    }
  }
}
