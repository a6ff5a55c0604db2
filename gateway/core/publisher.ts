import { monotonicFactory } from 'ulid';
import type { EventBus } from './bus.js';
import { priorityRank, type GatewayEvents, type PublishedEventName } from '../events.js';
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
  /** Read back from the journal at start: it may have been recorded before the crash. */
  recovered?: true;
}

/** Retry period while the store refuses writes (disk full, I/O error). */
const RETRY_MS = 2000;
/**
 * Retry period while another process holds the database's write lock. The database's busy
 * timeout is 0 (store/database.ts): the event loop never waits for the lock, the events wait in
 * memory and the journal instead, and this timer tries again.
 */
const BUSY_RETRY_MS = 100;
/** A lock held this long counts as the store refusing writes (`store.degraded`). */
const BUSY_DEGRADED_MS = 5000;
/** Held events recorded per transaction when the store takes writes again; the loop runs between. */
const CATCH_UP_BATCH = 500;
/** Events kept in memory while the store is down, beyond what the journal file holds. */
const MAX_IN_MEMORY = 50_000;

/** SQLITE_BUSY / SQLITE_LOCKED and their extended codes: another connection holds a lock. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * The one way an event is published: the bus hears it at once, in process, and the outbox
 * records it for the platform.
 *
 * `publish` is for observations (an input changed, a gate answered, a face was decided): the
 * listeners run at once, so the physical reactions (hold-open, strobe, gate) never wait on the
 * store; the events published in a tick are recorded at its end, in the order they were
 * published (a cause before the effects its listeners published), in one transaction. If the
 * record fails (disk full, I/O error, database locked), the events are kept in memory and in a
 * small preallocated journal file (written at once, fsynced off the event loop: see
 * store/journal.ts), and recorded, in order, once the store takes writes again, in batches that
 * let the loop run between them. A lock held by another process is retried every 100 ms and
 * reported as `store.degraded` only once it has lasted 5 s; any other failure at once.
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
  private busySince: number | undefined;

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

  /** The journal's fill and how many fsyncs it took (each covering every write before it). */
  journalStats(): { usedBytes: number; syncs: number } {
    return { usedBytes: this.ctx.journal?.used ?? 0, syncs: this.ctx.journal?.syncs ?? 0 };
  }

  /** Records what the journal file kept from a previous run (call once, before anything else). */
  recoverJournal(): number {
    const journal = this.ctx.journal;
    if (!journal) return 0;
    const records = journal.open();
    if (records.length === 0) return 0;
    for (const r of records) this.held.push({ ...r, recovered: true });
    this.ctx.log.warn({ events: records.length }, 'events kept in the journal by the last run are recorded now');
    this.retryHeld();
    return records.length;
  }

  /**
   * Tries once more to record held events (also runs on a timer while degraded): up to
   * CATCH_UP_BATCH per transaction, the rest from the next turn of the loop.
   */
  retryHeld(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.held.length > 0) {
      const batch = this.held.slice(0, CATCH_UP_BATCH);
      try {
        this.recordAll(batch);
      } catch (err) {
        this.failed(err);
        return;
      }
      this.held.splice(0, batch.length);
      if (this.held.length > 0) {
        this.retryTimer = setTimeout(() => this.retryHeld(), 0);
        this.retryTimer.unref();
        return;
      }
    }
    this.busySince = undefined;
    this.ctx.journal?.reset();
    if (this.degradedSince !== undefined) {
      const downForS = Math.round((Date.now() - this.degradedSince) / 100) / 10;
      this.degradedSince = undefined;
      this.ctx.log.warn({ downForS }, 'the store takes writes again; every held event is recorded');
      this.publish('store.recovered', { downForS });
    }
  }

  /** Resolves once every event held so far is on the disk in the journal (fsync off the loop). */
  durable(): Promise<void> {
    return this.ctx.journal?.sync() ?? Promise.resolve();
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
      const batch = this.queue.splice(0);
      // Behind events already held, nothing is recorded out of order.
      if (this.held.length === 0) {
        try {
          this.recordAll(batch);
          continue;
        } catch (err) {
          this.hold(batch);
          this.failed(err);
          continue;
        }
      }
      this.hold(batch);
    }
  }

  /** All of `batch` in one transaction, or none of it (it throws). */
  private recordAll(batch: readonly Pending[]): void {
    const { db, outbox } = this.ctx;
    db.transaction(() => {
      for (const e of batch) {
        if (e.recovered && outbox.has(e.id)) continue; // recorded before a crash, still in the journal
        e.write?.(e.id);
        outbox.append(e.kind, e.data, { id: e.id, ts: new Date(e.ts), priority: priorityRank(e.kind) });
      }
    });
  }

  /** Keeps events, in order, in memory and (one write for them all) in the journal. */
  private hold(batch: readonly Pending[]): void {
    let journaled = 0;
    try {
      journaled = this.ctx.journal?.appendMany(batch.map((e) => ({ id: e.id, kind: e.kind, ts: e.ts, data: e.data }))) ?? 0;
    } catch (jerr) {
      this.ctx.log.error({ err: errMessage(jerr) }, 'the journal file refuses writes too');
    }
    batch.forEach((e, i) => {
      if (this.held.length < MAX_IN_MEMORY || i < journaled) this.held.push(e);
      else this.ctx.log.error({ kind: e.kind, id: e.id }, 'store down, journal full and memory full: event lost');
    });
  }

  /** A record failed: retry soon for a lock, later for anything else; say so once it lasts. */
  private failed(err: unknown): void {
    this.lastError = errMessage(err);
    const now = Date.now();
    const busy = isBusy(err);
    if (busy) this.busySince ??= now;
    else this.busySince = undefined;
    if (this.degradedSince === undefined && (!busy || now - (this.busySince as number) >= BUSY_DEGRADED_MS)) {
      this.degradedSince = busy ? (this.busySince as number) : now;
      this.ctx.log.error({ err: this.lastError }, 'the store refuses writes: events are kept in memory and the journal until it recovers');
      const data = { error: this.lastError, since: new Date(this.degradedSince).toISOString() };
      const ts = new Date().toISOString();
      this.ctx.bus.deliver('store.degraded', data, { ts });
      this.hold([{ id: this.ulid(), kind: 'store.degraded', ts, data }]);
    }
    this.scheduleRetry(busy ? BUSY_RETRY_MS : RETRY_MS);
  }

  private scheduleRetry(ms: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryHeld();
    }, ms);
    this.retryTimer.unref();
  }
}
