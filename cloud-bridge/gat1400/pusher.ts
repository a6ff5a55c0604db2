import type { Logger } from '../../gateway/core/logger.js';
import type { OutboxSink, SinkRow } from '../../gateway/store/outbox-sink.js';
import { backoffDelay } from '../backoff.js';
import { TransportError, type HttpAnswer, type HttpClient } from './http.js';
import {
  batchBody,
  ENDPOINT_PATH,
  planRecord,
  withPictures,
  type MappingOptions,
  type Picture,
  type PictureRef,
  type PlannedRecord,
} from './mapping.js';
import { classifyStatusCode, parseResponseStatusList, statusesFor, type ItemStatus } from './responses.js';
import type { ViidSession } from './session.js';

/** A record the platform refused as malformed, or an event that could not be mapped. */
export interface Rejection {
  eventId: string;
  kind: string;
  recordId: string | null;
  reason: 'refused' | 'invalid-event';
  httpStatus: number | null;
  statusCode: number | null;
  message: string;
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
  /** Wakes the pusher when rows are appended (Outbox.onAppend); returns the unsubscribe. */
  onAppend: (listener: () => void) => () => void;
  /** Records the rejection (the room appends a gat1400.rejected event). */
  onRejected: (r: Rejection) => void;
  log: Logger;
  /** Fallback poll for rows written by another process. */
  pollMs?: number;
}

type Item = { row: SinkRow; record: PlannedRecord } | { row: SinkRow; error: string };
type Verdict = 'done' | 'retry';

/**
 * Outbox → platform, in order: takes the sink's rows after its position, maps them, and POSTs
 * runs of one endpoint (Faces or MotorVehicles) of up to `batchSize`. The position moves only
 * over records answered StatusCode 0 or refused as malformed (StatusCode 4–8, or a 4xx for a
 * record sent alone: logged, reported through `onRejected`, skipped). A 5xx, a timeout, a lost
 * connection or an unreadable answer retries the same records with backoff and jitter; a 401
 * registers again first. Records acknowledged after one that must be retried are not sent again.
 */
export class ViidPusher {
  private stopped = true;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private offAppend: (() => void) | undefined;
  private failures = 0;
  private lastError = '';
  /** Rows done (acknowledged or refused) beyond the sink position, while an earlier one is retried. */
  private readonly doneAhead = new Set<number>();
  /** After a 4xx for a batch: send one record per request up to this rowid, to find the bad one. */
  private singleUntil = 0;
  pushed = 0;
  rejected = 0;
  lastPushAt: string | undefined;

  constructor(private readonly ctx: PusherContext) {}

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

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.ctx.session.registered();
      } catch {
        return; // session stopped
      }
      if (this.stopped) return;
      let next: 'more' | 'idle' | 'retry';
      try {
        next = await this.step();
      } catch (err) {
        this.ctx.log.error({ err: (err as Error).message }, 'GA/T 1400 push failed unexpectedly; retrying');
        next = 'retry';
      }
      if (next === 'idle') await this.sleep(this.ctx.pollMs ?? 1000);
      else if (next === 'retry') await this.sleep(backoffDelay(this.failures++, this.ctx.retryMinMs, this.ctx.retryMaxMs));
    }
  }

  /** Sends the next batch. 'idle' when there is nothing to send. */
  private async step(): Promise<'more' | 'idle' | 'retry'> {
    const position = this.ctx.sink.position;
    for (const r of this.doneAhead) if (r <= position) this.doneAhead.delete(r);
    const { rows, scannedTo } = this.ctx.sink.take(this.ctx.batchSize + this.doneAhead.size, position);
    const todo = rows.filter((r) => !this.doneAhead.has(r.rowid));
    if (todo.length === 0) {
      this.ctx.sink.ack(scannedTo);
      this.doneAhead.clear();
      return 'idle';
    }
    const items = this.batch(todo);
    const verdicts = await this.send(items);
    if (verdicts === 'lost') return 'more'; // the loop waits for the new registration
    let prefixEnd = position;
    let blocked = false;
    for (const [i, item] of items.entries()) {
      if (verdicts[i] === 'done') {
        if (blocked) this.doneAhead.add(item.row.rowid);
        else prefixEnd = item.row.rowid;
      } else blocked = true;
    }
    // Every row read is done: the rows of other kinds up to scannedTo are passed too.
    this.ctx.sink.ack(!blocked && items.length === todo.length ? scannedTo : prefixEnd);
    if (!blocked) {
      this.failures = 0;
      this.ctx.session.ok();
      return 'more';
    }
    return 'retry';
  }

  /** The first run of rows for one endpoint (rows that cannot be mapped lead a run, to be skipped in their turn). */
  private batch(rows: SinkRow[]): Item[] {
    const limit = rows[0] && rows[0].rowid <= this.singleUntil ? 1 : this.ctx.batchSize;
    const items: Item[] = [];
    let endpoint: string | undefined;
    let records = 0;
    for (const row of rows) {
      const plan = planRecord(row, this.ctx.mapping);
      if (plan.ok) {
        endpoint ??= plan.record.endpoint;
        if (plan.record.endpoint !== endpoint || records >= limit) break;
        items.push({ row, record: plan.record });
        records++;
      } else if (records > 0)
        break; // skipped in its turn, after the records before it
      else items.push({ row, error: plan.error });
    }
    return items;
  }

  /** POSTs the mappable items; the verdict of every item, or 'lost' when the session must be renewed. */
  private async send(items: Item[]): Promise<Verdict[] | 'lost'> {
    const verdicts: Verdict[] = items.map(() => 'retry');
    const records: { index: number; record: PlannedRecord }[] = [];
    for (const [index, item] of items.entries()) {
      if ('error' in item) {
        this.reject({
          eventId: item.row.id,
          kind: item.row.kind,
          recordId: null,
          reason: 'invalid-event',
          httpStatus: null,
          statusCode: null,
          message: item.error,
        });
        verdicts[index] = 'done';
      } else records.push({ index, record: item.record });
    }
    if (records.length === 0) return verdicts;
    const first = records[0] as { index: number; record: PlannedRecord };
    const path = ENDPOINT_PATH[first.record.endpoint];
    const objects: Record<string, unknown>[] = [];
    for (const { record } of records) {
      const { pictures, missing } = await this.ctx.loadPictures(record.pictures);
      if (missing.length) this.ctx.log.debug({ recordId: record.recordId, missing }, 'GA/T 1400 record sent without some pictures');
      objects.push(withPictures(record, pictures));
    }
    let answer: HttpAnswer;
    try {
      answer = await this.ctx.http.request(
        'POST',
        path,
        this.ctx.session.headers(),
        JSON.stringify(batchBody(first.record.endpoint, objects)),
      );
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      this.retrying(`${path}: ${err.message}`, records.length);
      return verdicts;
    }
    const { status } = answer;
    if (status === 401 || status === 403) {
      this.ctx.session.lost(`${path} answered HTTP ${status}`);
      return 'lost';
    }
    const ids = records.map((r) => r.record.recordId);
    const parsed = parseResponseStatusList(answer.body);
    const statuses = parsed.ok ? statusesFor(ids, parsed.value) : undefined;
    if (status >= 200 && status < 300) {
      if (!statuses) {
        this.retrying(`${path} answered ${status} with an unreadable body: ${parsed.ok ? '' : parsed.error}`, records.length);
        return verdicts;
      }
      this.judge(records, statuses, status, verdicts);
      return verdicts;
    }
    if (status >= 400 && status < 500 && ![404, 405, 408, 429].includes(status)) {
      // A malformed record. Per-record statuses name it when the platform gives them.
      if (statuses && statuses.some((s) => s !== undefined)) {
        this.judge(records, statuses, status, verdicts);
      } else if (records.length === 1) {
        const text = answer.body.slice(0, 200).replace(/\s+/g, ' ');
        const { eventId, kind, recordId } = first.record;
        this.reject({
          eventId,
          kind,
          recordId,
          reason: 'refused',
          httpStatus: status,
          statusCode: null,
          message: text || `HTTP ${status}`,
        });
        verdicts[first.index] = 'done';
      } else {
        // Find the bad one: send this batch again one record at a time.
        this.singleUntil = (records.at(-1) as { record: PlannedRecord }).record.rowid;
        this.ctx.log.warn({ path, status, records: records.length }, 'GA/T 1400 platform refused a batch; sending its records one by one');
        return verdicts.map((v) => (v === 'done' ? 'done' : 'retry'));
      }
      return verdicts;
    }
    this.retrying(
      status === 404 || status === 405 ? `${path} answered HTTP ${status}: check gat1400.url` : `${path} answered HTTP ${status}`,
      records.length,
    );
    return verdicts;
  }

  private judge(
    records: { index: number; record: PlannedRecord }[],
    statuses: (ItemStatus | undefined)[],
    httpStatus: number,
    verdicts: Verdict[],
  ): void {
    let retry = 0;
    records.forEach(({ index, record }, i) => {
      const s = statuses[i];
      const verdict = s === undefined ? 'retry' : classifyStatusCode(s.code);
      if (verdict === 'ok') {
        this.pushed++;
        this.lastPushAt = new Date().toISOString();
        verdicts[index] = 'done';
      } else if (verdict === 'refused') {
        this.reject({
          eventId: record.eventId,
          kind: record.kind,
          recordId: record.recordId,
          reason: 'refused',
          httpStatus,
          statusCode: s?.code ?? null,
          message: s?.text ?? `StatusCode ${s?.code}`,
        });
        verdicts[index] = 'done';
      } else retry++;
    });
    if (retry > 0) this.retrying(`${retry} of ${records.length} records not acknowledged (StatusCode != 0 or missing)`, retry);
  }

  private reject(rejection: Rejection): void {
    this.rejected++;
    this.ctx.log.error(rejection, 'GA/T 1400 record refused; skipped (reported as gat1400.rejected)');
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
