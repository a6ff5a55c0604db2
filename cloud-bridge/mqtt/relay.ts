import type { Logger } from '../../gateway/core/logger.js';
import type { Outbox, OutboxRawRow } from '../../gateway/store/outbox.js';
import { PublishRefusedError, type MqttConnection } from './mqtt-client.js';
import type { Topics } from './topics.js';
import { encodeEnvelope } from './envelope.js';
import { errMessage } from '../../gateway/core/errors.js';

export interface RelayContext {
  outbox: Outbox;
  nodeId: string;
  topics: Topics;
  log: Logger;
  /** Events published and awaiting PUBACK at once (cloud.inflight). */
  inflight: number;
  /** Fallback poll for rows written by another process (onAppend only sees this one). */
  pollMs?: number;
  /** Called when the broker refuses a publish: the link drops and retries with backoff. */
  onRefused: (reason: string) => void;
}

const BATCH = 500;

/**
 * Drains the outbox into the broker, in rowid (= seq) order, with a window of `inflight`
 * publishes awaiting PUBACK. A row is marked sent only once its PUBACK arrived (acks are
 * written in one transaction per tick). When the connection ends, whatever was not acknowledged
 * is published again from the oldest unsent row on the next connection: the same id may reach
 * the platform twice, nothing is lost and first deliveries stay in seq order.
 */
export class OutboxRelay {
  private conn: MqttConnection | undefined;
  private generation = 0;
  private cursor = 0;
  private inFlight = 0;
  private acked: string[] = [];
  private flushScheduled = false;
  private pumping = false;
  private stopping = false;
  private offAppend: (() => void) | undefined;
  private poll: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  published = 0;
  acknowledged = 0;

  constructor(private readonly ctx: RelayContext) {}

  start(): void {
    this.stopping = false;
    this.offAppend = this.ctx.outbox.onAppend(() => this.pump());
    this.poll = setInterval(() => this.pump(), this.ctx.pollMs ?? 1000);
    this.poll.unref();
  }

  /** A new connection: publish from the oldest unsent row. */
  attach(conn: MqttConnection): void {
    this.flush();
    this.generation++;
    this.conn = conn;
    this.cursor = 0;
    this.inFlight = 0;
    this.pump();
  }

  /** The connection ended: unacknowledged rows stay unsent and are taken again on attach. */
  detach(): void {
    this.flush();
    this.generation++;
    this.conn = undefined;
    this.inFlight = 0;
    this.cursor = 0;
    this.settleIdle();
  }

  /** Stops taking rows; waits up to `graceMs` for the acknowledgements of what is in flight. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    this.offAppend?.();
    if (this.poll) clearInterval(this.poll);
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.flush();
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * Publishes rows until the window is full or the outbox has nothing more. While acks stream
   * in, the window is refilled only once half of it is free, so a busy relay reads the outbox in
   * batches rather than one write transaction per acknowledged event.
   */
  pump(onAck = false): void {
    if (this.pumping || this.stopping) return;
    const conn = this.conn;
    if (!conn) return;
    if (onAck && this.inFlight > this.ctx.inflight / 2) return;
    this.pumping = true;
    try {
      while (this.conn === conn && conn.isOpen && this.inFlight < this.ctx.inflight) {
        const rows = this.ctx.outbox.takeRawBatch(Math.min(BATCH, this.ctx.inflight - this.inFlight), this.cursor);
        if (rows.length === 0) break;
        for (const row of rows) this.publish(conn, row);
      }
    } catch (err) {
      this.ctx.log.error({ err: errMessage(err) }, 'reading the outbox failed; retrying on the next poll');
    } finally {
      this.pumping = false;
    }
  }

  private publish(conn: MqttConnection, row: OutboxRawRow): void {
    const gen = this.generation;
    this.cursor = row.rowid;
    this.inFlight++;
    this.published++;
    conn.publish(this.ctx.topics.event(row.kind), encodeEnvelope(row, this.ctx.nodeId), { qos: 1 }).then(
      () => {
        this.acked.push(row.id);
        this.acknowledged++;
        this.scheduleFlush();
        if (gen !== this.generation) return;
        this.inFlight--;
        if (this.inFlight === 0) this.settleIdle();
        this.pump(true);
      },
      (err: Error) => {
        if (gen !== this.generation) return;
        // A refusal (e.g. an ACL) would loop on this connection: drop it and retry with backoff.
        // A lost connection needs nothing here: detach() follows and the rows are taken again.
        if (err instanceof PublishRefusedError) this.ctx.onRefused(`broker refused event ${row.kind} seq ${row.seq}: ${err.message}`);
      },
    );
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.acked.length === 0) return;
    const ids = this.acked;
    this.acked = [];
    try {
      this.ctx.outbox.markSent(ids);
    } catch (err) {
      // Not marked: they will be published again (duplicates by id are allowed, loss is not).
      this.ctx.log.error({ err: errMessage(err), count: ids.length }, 'marking events sent failed');
    }
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
