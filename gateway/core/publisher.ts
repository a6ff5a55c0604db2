import { monotonicFactory } from 'ulid';
import type { EventBus } from './bus.js';
import { priorityRank, type GatewayEvents, type PublishedEventName } from './events.js';
import type { Logger } from './logger.js';
import { errMessage } from './errors.js';
import type { Database } from '../store/database.js';
import type { Outbox } from '../store/outbox.js';
import { redactValue } from './redact.js';
import type { Journal, JournalRecord } from '../store/journal.js';

export interface PublishOptions {
  /** When it happened (default now): the envelope's `ts`. */
  ts?: Date;
  /** Rows that record the same fact (an audit table), written in the event's transaction. */
  write?: (id: string) => void;
}

interface Pending extends JournalRecord {
  write?: (id: string) => void;
}

const RETRY_MS = 2000;
/** Events kept in memory while the store is down, beyond what the journal file holds. */
const MAX_IN_MEMORY = 50_000;

/**
 * The one way an event is published: the bus hears it at once, in process, and the outbox
 * records it for the platform.
 *
 * `publish` is for observations (an input changed, a gate answered, a face was decided): the
 * listeners run at once, so the physical reactions (hold-open, strobe, gate) never wait on the
 * store; the events published in a tick are recorded at its end, in the order they were
 * published (a cause before the effects its listeners published). If the record fails (disk full, I/O
 * error, database locked), the event is kept in memory and in a small preallocated journal file,
 * `store.degraded` says so, and it is recorded, in order, once the store takes writes again.
 *
 * `commit` is for changes whose stored row is the fact itself (a vehicle added, an alarm
 * acknowledged): the row and the event in one transaction, which throws if the store fails;
 * listeners hear it after the commit.
 */
export class EventPublisher {
  private readonly ulid = monotonicFactory();
  private readonly queue: Pending[] = [];
  private drainScheduled = false;
  private readonly held: Pending[] = [];
  private degradedSince: number | undefined;
  private lastError = '';
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: { bus: EventBus; outbox: Outbox; db: Database; log: Logger; journal?: Journal }) {}

  publish<K extends PublishedEventName>(kind: K, raw: GatewayEvents[K], opts: PublishOptions = {}): { id: string; ts: string } {
    const data = redactValue(raw); // a reason quoting a camera URL carries no password
    const id = this.ulid();
    const ts = (opts.ts ?? new Date()).toISOString();
    this.queue.push({ id, kind, ts, data, ...(opts.write ? { write: opts.write } : {}) });
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(() => this.flush());
    }
    this.ctx.bus.deliver(kind, data, { id, ts });
    return { id, ts };
  }

  commit<K extends PublishedEventName, T>(kind: K, raw: GatewayEvents[K], write: (id: string) => T, opts: { ts?: Date } = {}): T {
    const data = redactValue(raw);
    this.flush(); // what was published before is recorded before
    const id = this.ulid();
    const ts = (opts.ts ?? new Date()).toISOString();
    const result = this.ctx.db.transaction(() => {
      const r = write(id);
      this.ctx.outbox.append(kind, data, { id, ts: new Date(ts), priority: priorityRank(kind) });
      return r;
    });
    this.ctx.bus.deliver(kind, data, { id, ts });
    return result;
  }

  /** Events waiting for the store (memory), and whether the store is failing now. */
  status(): { degraded: boolean; held: number; since: string | null; error: string | null } {
    return {
      degraded: this.degradedSince !== undefined,
      held: this.held.length,
      since: this.degradedSince === undefined ? null : new Date(this.degradedSince).toISOString(),
      error: this.degradedSince === undefined ? null : this.lastError,
    };
  }

  /** Records what the journal file kept from a previous run (call once, before anything else). */
  recoverJournal(): number {
    const journal = this.ctx.journal;
    if (!journal) return 0;
    const records = journal.open();
    if (records.length === 0) return 0;
    this.held.push(...records);
    this.ctx.log.warn({ events: records.length }, 'events kept in the journal by the last run are recorded now');
    this.retryHeld();
    return records.length;
  }

  /** Tries once more to record held events (also runs on a timer while degraded). */
  retryHeld(): void {
    while (this.held.length > 0) {
      const next = this.held[0] as Pending;
      try {
        this.record(next);
      } catch (err) {
        this.lastError = errMessage(err);
        this.scheduleRetry();
        return;
      }
      this.held.shift();
    }
    this.ctx.journal?.reset();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.degradedSince !== undefined) {
      const downForS = Math.round((Date.now() - this.degradedSince) / 100) / 10;
      this.degradedSince = undefined;
      this.ctx.log.warn({ downForS }, 'the store takes writes again; every held event is recorded');
      this.publish('store.recovered', { downForS });
    }
  }

  stop(): void {
    this.flush();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.held.length)
      this.ctx.log.error({ held: this.held.length }, 'stopping with events the store did not take; the journal keeps what it holds');
    this.ctx.journal?.close();
  }

  /** Records what was published so far (normally at the end of the tick that published it). */
  flush(): void {
    this.drainScheduled = false;
    while (this.queue.length > 0) {
      const next = this.queue.shift() as Pending;
      // Behind events already held, nothing is recorded out of order.
      if (this.held.length > 0) {
        this.hold(next);
        continue;
      }
      try {
        this.record(next);
      } catch (err) {
        this.hold(next, err);
      }
    }
  }

  private record(e: Pending): void {
    this.ctx.db.transaction(() => {
      if (this.ctx.outbox.has(e.id)) return; // recorded before a crash, still in the journal
      e.write?.(e.id);
      this.ctx.outbox.append(e.kind, e.data, { id: e.id, ts: new Date(e.ts), priority: priorityRank(e.kind) });
    });
  }

  private hold(e: Pending, err?: unknown): void {
    if (err !== undefined) this.lastError = errMessage(err);
    let journaled = false;
    try {
      journaled = this.ctx.journal?.append({ id: e.id, kind: e.kind, ts: e.ts, data: e.data }) ?? false;
    } catch (jerr) {
      this.ctx.log.error({ err: errMessage(jerr) }, 'the journal file refuses writes too');
    }
    if (this.held.length < MAX_IN_MEMORY || journaled) this.held.push(e);
    else this.ctx.log.error({ kind: e.kind, id: e.id }, 'store down, journal full and memory full: event lost');
    if (this.degradedSince === undefined) {
      this.degradedSince = Date.now();
      this.ctx.log.error(
        { err: this.lastError, kind: e.kind },
        'the store refuses writes: events are kept in memory and the journal until it recovers',
      );
      this.ctx.bus.deliver(
        'store.degraded',
        { error: this.lastError, since: new Date(this.degradedSince).toISOString() },
        { ts: new Date().toISOString() },
      );
      this.queue.push({
        id: this.ulid(),
        kind: 'store.degraded',
        ts: new Date().toISOString(),
        data: { error: this.lastError, since: new Date(this.degradedSince).toISOString() },
      });
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryHeld();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}
