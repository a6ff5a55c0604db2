import type { Logger } from '../../gateway/core/logger.js';
import { backoffDelay } from '../../gateway/core/backoff.js';
import { MqttConnection, type ConnectOptions } from './mqtt-client.js';
import { errMessage } from '../../gateway/core/errors.js';

export interface LinkContext {
  log: Logger;
  /** Options for each attempt (the will's timestamp is refreshed every time). */
  options: () => ConnectOptions;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Called on every accepted connection; a throw drops the connection and retries. */
  onUp: (conn: MqttConnection) => Promise<void>;
  /** Called when an accepted connection ends. */
  onDown: () => void;
}

/**
 * Keeps one connection to the broker: connects, and after a refusal or a loss waits
 * reconnectMinMs, doubling up to reconnectMaxMs (with jitter, backoff.ts), then tries again, forever, until stop().
 * A refused login or a bad certificate is a log line and a retry, never a crash.
 */
export class BrokerLink {
  private conn: MqttConnection | undefined;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private lastError = '';

  constructor(private readonly ctx: LinkContext) {}

  get connection(): MqttConnection | undefined {
    return this.conn?.isOpen ? this.conn : undefined;
  }

  start(): void {
    this.stopped = false;
    void this.attempt();
  }

  /** Drops the current connection (e.g. after a refused publish); the link reconnects with backoff. */
  drop(reason: string): void {
    if (!this.conn) return;
    this.ctx.log.warn({ reason }, 'dropping the broker connection');
    this.conn.destroy();
  }

  /** Stops reconnecting; `beforeClose` may publish a last message (the offline status). */
  async stop(beforeClose?: (conn: MqttConnection) => Promise<void>): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const conn = this.conn;
    this.conn = undefined;
    if (conn?.isOpen) {
      try {
        await beforeClose?.(conn);
      } finally {
        await conn.close();
      }
    }
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    let opts: ConnectOptions;
    let conn: MqttConnection;
    try {
      opts = this.ctx.options();
      conn = await MqttConnection.open(opts);
    } catch (err) {
      this.retry(errMessage(err));
      return;
    }
    if (this.stopped) {
      await conn.close();
      return;
    }
    this.conn = conn;
    conn.onClose((err) => {
      if (this.conn !== conn) return;
      this.conn = undefined;
      this.ctx.onDown();
      if (!this.stopped) {
        this.ctx.log.warn({ url: opts.url, err: err?.message }, 'lost the broker connection');
        this.retry(err?.message ?? 'connection closed');
      }
    });
    try {
      await this.ctx.onUp(conn);
    } catch (err) {
      this.ctx.log.error({ url: opts.url, err: errMessage(err) }, 'broker connection set-up failed');
      conn.destroy();
      return;
    }
    this.failures = 0;
    this.lastError = '';
    this.ctx.log.info({ url: opts.url, clientId: opts.clientId }, 'connected to the broker');
  }

  private retry(message: string): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.failures, this.ctx.reconnectMinMs, this.ctx.reconnectMaxMs);
    this.failures++;
    this.ctx.log.debug({ err: message, retryInMs: delay, failures: this.failures }, 'broker connection attempt failed');
    // The same failure repeated every few seconds is logged at most once per minute of backoff.
    if (message !== this.lastError || this.failures % 10 === 1) {
      this.ctx.log.error({ err: message, retryInMs: delay, failures: this.failures }, 'broker connection failed; retrying');
    }
    this.lastError = message;
    this.timer = setTimeout(() => void this.attempt(), delay);
  }
}
