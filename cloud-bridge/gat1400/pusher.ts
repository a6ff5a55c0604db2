import type { Logger } from '../../gateway/core/logger.js';
import type { OutboxSink, SinkRow } from '../../gateway/store/outbox-sink.js';
import { backoffDelay } from '../../gateway/core/backoff.js';
import type { HttpClient } from './http.js';
import { planRecord, type MappingOptions, type Picture, type PictureRef, type PlannedRecord } from './mapping.js';
import type { ViidSession } from './session.js';
import type { DeadLetters, DeadReason, DoneAheadStore, StrikeStore } from './dead-letters.js';
import type { RecordOutcome, Strike } from './verdicts.js';
import { postRecords } from './post-records.js';
import { errMessage } from '../../gateway/core/errors.js';

/** A record set aside as a dead letter (reported as gat1400.rejected). */
export interface Rejection {
  eventId: string;
  kind: string;
  recordId: string | null;
  reason: DeadReason;
  httpStatus: number | null;
  statusCode: number | null;
  message: string;
  attempts: number;
}

export interface PusherContext {
  sink: OutboxSink;
  session: ViidSession;
  http: HttpClient;
  mapping: MappingOptions;
  loadPictures: (refs: readonly PictureRef[]) => Promise<{ pictures: Picture[]; missing: string[] }>;
  batchSize: number;
  retryMinMs: number;
  retryMaxMs: number;
  /** Strikes (refusals of this record) before it is set aside as a dead letter. */
  attempts: number;
  deadLetters: DeadLetters;
  /** Wakes the pusher when rows are appended (Outbox.onAppend); returns the unsubscribe. */
  onAppend: (listener: () => void) => () => void;
  /** A record was set aside (the room appends a gat1400.rejected event). */
  onRejected: (r: Rejection) => void;
  log: Logger;
  /** Fallback poll for rows written by another process. */
  pollMs?: number;
}

type Item = { row: SinkRow; record: PlannedRecord } | { row: SinkRow; error: string };
type Verdict = 'done' | 'retry';
type Step = 'more' | 'idle' | 'retry';

/**
 * Outbox → platform, in order: takes the sink's rows after its position, maps them, and POSTs
 * runs of one endpoint (Faces or MotorVehicles) of up to `batchSize`. The position moves over
 * records answered StatusCode 0 and over records set aside as dead letters. What an answer
 * means is decided in verdicts.ts: a failure of the platform (no answer, 502–504, 404, 429...)
 * retries the same records with backoff for as long as it lasts; a record refused (a non-zero
 * StatusCode, a 4xx, a 5xx or an unreadable answer to it alone) gets a strike, and after
 * `attempts` strikes it becomes a dead letter and the records behind it go on; a batch failing
 * without naming a record is split in halves until the record is alone. A record alone that
 * fails without the platform saying why (a 5xx, an unreadable answer, a 4xx without statuses) is
 * only struck once a witness, the next record sent alone, went through: when the witness fails
 * the same way the platform is failing every record, so nothing is struck, the records wait in
 * order and the uplink is reported failing. Strikes are kept in the dead-letter file across
 * restarts. A 401 registers again first. Records acknowledged after one that must be retried are
 * not sent again, after a restart either (kept in the dead-letter file). Dead letters an operator asked to replay are sent first, one per request.
 */
export class ViidPusher {
  private stopped = true;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private offAppend: (() => void) | undefined;
  private failures = 0;
  private lastError = '';
  /** Rows done (acknowledged or set aside) beyond the sink position, while an earlier one is retried (persisted). */
  private readonly doneAhead: Set<number>;
  private readonly doneAheadStore: DoneAheadStore;
  /** Strikes per outbox rowid of the records being retried, and of the dead letters being replayed (persisted). */
  private readonly strikes: StrikeStore;
  private readonly replayStrikes: StrikeStore;
  private strikesForgotUpTo = -1;
  /** The head record whose lone failures are its own: a witness behind it went through. */
  private provenFor: number | undefined;
  /** While the platform fails every record alike or does not answer (uplinks/status reports the uplink down). */
  failing: { since: string; detail: string } | undefined;
  /** While the head is at or before `until`, send at most `size` records per request (bisection). */
  private split: { until: number; size: number } | undefined;
  pushed = 0;
  rejected = 0;
  lastPushAt: string | undefined;

  constructor(private readonly ctx: PusherContext) {
    this.strikes = ctx.deadLetters.strikes(false);
    this.replayStrikes = ctx.deadLetters.strikes(true);
    this.doneAheadStore = ctx.deadLetters.doneAhead();
    this.doneAhead = new Set(this.doneAheadStore.all());
  }

  private markDoneAhead(rowid: number): void {
    this.doneAhead.add(rowid);
    this.doneAheadStore.add(rowid);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.offAppend = this.ctx.onAppend(() => this.wake?.());
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.offAppend?.();
    this.wake?.();
    await this.running;
  }

  /** Wakes the loop now (an operator asked for a replay). */
  poke(): void {
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.ctx.session.registered();
      } catch {
        return; // session stopped
      }
      if (this.stopped) return;
      let next: Step;
      try {
        next = (await this.replayStep()) ?? (await this.step());
      } catch (err) {
        this.ctx.log.error({ err: errMessage(err) }, 'GA/T 1400 push failed unexpectedly; retrying');
        next = 'retry';
      }
      if (next === 'idle') await this.sleep(this.ctx.pollMs ?? 1000);
      else if (next === 'retry') await this.sleep(backoffDelay(this.failures++, this.ctx.retryMinMs, this.ctx.retryMaxMs));
      else this.failures = 0;
    }
  }

  /** Sends the next dead letter an operator asked to replay; undefined when there is none. */
  private async replayStep(): Promise<Step | undefined> {
    const next = this.ctx.deadLetters.nextReplay();
    if (!next) return undefined;
    const { row } = next;
    const plan = planRecord(row, this.ctx.mapping);
    if (!plan.ok) {
      this.deadLetter(row, null, { reason: 'invalid_event', httpStatus: null, statusCode: null, message: plan.error }, 0);
      return 'more';
    }
    this.ctx.deadLetters.replayTried(row.rowid);
    const verdict = await this.post([plan.record]);
    if (verdict === 'lost') return 'more';
    if (verdict === 'platform') return 'retry';
    const outcome = verdict[0] as RecordOutcome;
    if (outcome.ok) {
      this.platformOk();
      this.replayStrikes.delete(row.rowid);
      this.ctx.deadLetters.delivered(row.rowid);
      this.ctx.log.info({ eventId: row.id, recordId: plan.record.recordId }, 'GA/T 1400 dead letter replayed and delivered');
      return 'more';
    }
    return this.strike(row, plan.record.recordId, outcome, this.replayStrikes) === 'done' ? 'more' : 'retry';
  }

  /** Sends the next batch of the outbox. 'idle' when there is nothing to send. */
  private async step(): Promise<Step> {
    const position = this.ctx.sink.position;
    const passed = [...this.doneAhead].filter((r) => r <= position);
    if (passed.length) {
      for (const r of passed) this.doneAhead.delete(r);
      this.doneAheadStore.forgetUpTo(position);
    }
    if (position > this.strikesForgotUpTo) {
      this.strikes.forgetUpTo(position);
      this.strikesForgotUpTo = position;
    }
    if (this.provenFor !== undefined && this.provenFor <= position) this.provenFor = undefined;
    if (this.split && this.split.until <= position) this.split = undefined;
    const { rows, scannedTo } = this.ctx.sink.take(this.ctx.batchSize + this.doneAhead.size, position);
    const todo = rows.filter((r) => !this.doneAhead.has(r.rowid));
    if (todo.length === 0) {
      this.ctx.sink.ack(scannedTo);
      if (this.doneAhead.size) {
        this.doneAhead.clear();
        this.doneAheadStore.forgetUpTo(scannedTo);
      }
      return 'idle';
    }
    const items = this.batch(todo);
    const { verdicts, then } = await this.send(items, todo.slice(items.length));
    let prefixEnd = position;
    let blocked = false;
    for (const [i, item] of items.entries()) {
      if (verdicts[i] === 'done') {
        if (blocked) this.markDoneAhead(item.row.rowid);
        else prefixEnd = item.row.rowid;
      } else blocked = true;
    }
    // Every row read is done: the rows of other kinds up to scannedTo are passed too.
    this.ctx.sink.ack(!blocked && items.length === todo.length ? scannedTo : prefixEnd);
    // Lost: the loop waits for the new registration. Split: the first half goes at once.
    if (then) return 'more';
    if (!blocked) {
      this.ctx.session.ok();
      return 'more';
    }
    return 'retry';
  }

  /** The first run of rows for one endpoint (rows that cannot be mapped lead a run, to be set aside in their turn). */
  private batch(rows: SinkRow[]): Item[] {
    const head = (rows[0] as SinkRow).rowid;
    const split = this.split && head <= this.split.until ? this.split : undefined;
    const limit = split ? split.size : this.ctx.batchSize;
    const items: Item[] = [];
    let endpoint: string | undefined;
    let records = 0;
    for (const row of rows) {
      if (split && row.rowid > split.until) break;
      const plan = planRecord(row, this.ctx.mapping);
      if (plan.ok) {
        endpoint ??= plan.record.endpoint;
        if (plan.record.endpoint !== endpoint || records >= limit) break;
        items.push({ row, record: plan.record });
        records++;
      } else if (records > 0)
        break; // set aside in its turn, after the records before it
      else items.push({ row, error: plan.error });
    }
    return items;
  }

  /**
   * POSTs the mappable items: the verdict of every item (rows that cannot be mapped are set aside
   * and done whatever the answer), and `then` when the batch is to be split or the session renewed.
   */
  private async send(items: Item[], behind: SinkRow[]): Promise<{ verdicts: Verdict[]; then?: 'lost' | 'split' }> {
    const verdicts: Verdict[] = items.map(() => 'retry');
    const records: { index: number; record: PlannedRecord }[] = [];
    for (const [index, item] of items.entries()) {
      if ('error' in item) {
        this.deadLetter(item.row, null, { reason: 'invalid_event', httpStatus: null, statusCode: null, message: item.error }, 0);
        verdicts[index] = 'done';
      } else records.push({ index, record: item.record });
    }
    if (records.length === 0) return { verdicts };
    const verdict = await this.post(records.map((r) => r.record));
    if (verdict === 'lost') return { verdicts, then: 'lost' };
    if (verdict === 'platform') return { verdicts };
    if (verdict === 'split') {
      const last = (records.at(-1) as { record: PlannedRecord }).record.rowid;
      this.split = { until: last, size: Math.ceil(records.length / 2) };
      return { verdicts, then: 'split' };
    }
    const alone = records.length === 1 ? (records[0] as { record: PlannedRecord }).record : undefined;
    const lone = verdict[0] as RecordOutcome;
    if (alone && !lone.ok && lone.statusCode === null && this.provenFor !== alone.rowid) {
      const w = await this.witness(alone, lone, behind);
      if (w !== 'strike') return w === 'lost' ? { verdicts, then: 'lost' } : { verdicts };
    }
    records.forEach(({ index, record }, i) => {
      const outcome = verdict[i] as RecordOutcome;
      if (outcome.ok) {
        this.delivered(record.rowid);
        verdicts[index] = 'done';
      } else verdicts[index] = this.strike(items[index]?.row as SinkRow, record.recordId, outcome);
    });
    return { verdicts };
  }

  private delivered(rowid: number): void {
    this.pushed++;
    this.lastPushAt = new Date().toISOString();
    this.strikes.delete(rowid);
    this.platformOk();
  }

  /**
   * A record alone failed without the platform naming why. Its own fault, or the platform failing
   * every record? The next record behind it goes alone as a witness: taken (delivered ahead, as
   * behind a dead letter) → the platform works, the head takes its strikes; failing the same way →
   * the platform is failing: no strike, back off, the records wait in order. With no record
   * behind, nothing tells them apart: no strike yet.
   */
  private async witness(head: PlannedRecord, failure: Strike, behind: SinkRow[]): Promise<'strike' | 'platform' | 'lost'> {
    let next: PlannedRecord | undefined;
    for (const row of behind) {
      const plan = planRecord(row, this.ctx.mapping);
      if (plan.ok) {
        next = plan.record;
        break;
      }
    }
    if (!next) {
      this.retrying(`${head.recordId}: ${failure.message}; no record behind it to tell the record from the platform, not counted`, 1);
      return 'platform';
    }
    const verdict = await this.post([next]);
    if (verdict === 'lost') return 'lost';
    if (verdict === 'platform' || verdict === 'split') return 'platform';
    const w = verdict[0] as RecordOutcome;
    if (w.ok) {
      this.delivered(next.rowid);
      this.markDoneAhead(next.rowid);
      this.provenFor = head.rowid;
      return 'strike';
    }
    if (w.statusCode === null && w.reason === failure.reason && w.httpStatus === failure.httpStatus) {
      this.platformFailing(
        `the platform fails every record alike (${failure.message}, for ${head.recordId} and ${next.recordId} alone); records wait in order`,
      );
      return 'platform';
    }
    return 'strike'; // the witness failed otherwise: its own turn tells
  }

  private platformFailing(detail: string): void {
    this.failing = { since: this.failing?.since ?? new Date().toISOString(), detail };
    this.retrying(detail, 1);
  }

  private platformOk(): void {
    if (!this.failing) return;
    this.ctx.log.info({ failingSince: this.failing.since }, 'GA/T 1400 platform takes records again');
    this.failing = undefined;
  }

  /** One POST of records of one endpoint: the outcome of each, or what failed for all of them. */
  private async post(records: readonly PlannedRecord[]): Promise<RecordOutcome[] | 'lost' | 'platform' | 'split'> {
    const { path, verdict } = await postRecords(this.ctx, records);
    if (verdict.type === 'lost') {
      this.ctx.session.lost(verdict.message);
      return 'lost';
    }
    if (verdict.type === 'platform') {
      this.platformFailing(verdict.message);
      return 'platform';
    }
    if (verdict.type === 'split') {
      this.ctx.log.warn(
        { path, err: verdict.message, records: records.length },
        'GA/T 1400 platform failed a batch without naming a record; splitting it to find the one',
      );
      return 'split';
    }
    return verdict.outcomes;
  }

  /** A refusal of one record: 'retry' it, or 'done' once set aside as a dead letter. */
  private strike(row: SinkRow, recordId: string, s: Strike, strikes = this.strikes): Verdict {
    const n = (strikes.get(row.rowid) ?? 0) + 1;
    strikes.set(row.rowid, n);
    if (n < this.ctx.attempts) {
      this.retrying(`${recordId}: ${s.message} (attempt ${n} of ${this.ctx.attempts})`, 1);
      return 'retry';
    }
    strikes.delete(row.rowid);
    this.deadLetter(row, recordId, s, n);
    return 'done';
  }

  private deadLetter(row: SinkRow, recordId: string | null, s: Strike, attempts: number): void {
    const rejection: Rejection = { eventId: row.id, kind: row.kind, recordId, ...s, attempts };
    this.ctx.deadLetters.add(row, { ...s, recordId, attempts });
    this.rejected++;
    this.ctx.log.error(rejection, 'GA/T 1400 record set aside as a dead letter (gat1400.rejected); the records behind it go on');
    this.ctx.onRejected(rejection);
  }

  private retrying(error: string, records: number): void {
    if (error !== this.lastError || this.failures % 10 === 0)
      this.ctx.log.error({ err: error, records, failures: this.failures + 1 }, 'GA/T 1400 push failed; retrying with backoff');
    this.lastError = error;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
