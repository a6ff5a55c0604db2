import { Database, type Statement } from '../../gateway/store/database.js';
import type { SinkRow } from '../../gateway/store/outbox-sink.js';
import { currentValue } from '../../gateway/core/wire-spelling.js';

/**
 * The GA/T 1400 dead letters: records the platform kept refusing (a non-zero StatusCode, a 4xx,
 * a 5xx for the record alone, an unreadable answer) after `attempts` tries, or events that could
 * not be mapped at all, set aside so the records behind them flow on. Kept in their own SQLite
 * file (`<dataDir>/gat1400-dead-letters.db`), apart from the outbox: the outbox row may be purged
 * once every sink has passed it, so the dead letter keeps the event itself (id, kind, time, data
 * as stored) and its outbox rowid, from which the record's ids are derived — a replayed record
 * carries the very ids it had (ids.ts), so a platform that did store it can deduplicate.
 *
 * An operator asks for a replay (`gat1400/dead-letters/replay`); the pusher then sends the
 * requested letters before the outbox head, one per request: delivered → deleted; refused again
 * `attempts` times → back to waiting, with the new reason. Letters older than `keepDays` are
 * deleted (they name a camera, a time and a face box: personal data kept only as long as an
 * operator may still act on them), and at most `maxLetters` are kept (the oldest go first).
 *
 * The strikes of the records still being retried are kept here too (`strikes`: outbox rowid →
 * refusals so far, for the outbox head and for replays apart), so a restart does not give a
 * record that keeps being refused its attempts again; a platform that saves every copy before
 * answering would otherwise store `attempts` more duplicates after each restart. So are the
 * records delivered past one being retried (`done_ahead`): a restart does not send them again.
 */
export type DeadReason = 'refused' | 'failed' | 'malformed' | 'invalid_event';

export interface DeadLetter {
  /** Outbox rowid of the event (the source of the record's ids). */
  rowid: number;
  eventId: string;
  kind: string;
  /** The event's time (outbox ts). */
  ts: string;
  recordId: string | null;
  reason: DeadReason;
  httpStatus: number | null;
  statusCode: number | null;
  message: string;
  attempts: number;
  deadAt: string;
  /** Set while an operator's replay is pending. */
  replayRequestedAt: string | null;
  replays: number;
}

interface Row {
  rowid: number;
  event_id: string;
  kind: string;
  ts: string;
  json: string;
  record_id: string | null;
  reason: DeadReason;
  http_status: number | null;
  status_code: number | null;
  message: string;
  attempts: number;
  dead_at: string;
  replay_requested_at: string | null;
  replays: number;
}

const MIGRATIONS = [
  {
    version: 1,
    name: 'dead-letters',
    sql: `CREATE TABLE dead_letters (
      rowid INTEGER PRIMARY KEY,
      event_id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      ts TEXT NOT NULL,
      json TEXT NOT NULL,
      record_id TEXT,
      reason TEXT NOT NULL,
      http_status INTEGER,
      status_code INTEGER,
      message TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      dead_at TEXT NOT NULL,
      replay_requested_at TEXT,
      replays INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX dead_letters_replay ON dead_letters(replay_requested_at) WHERE replay_requested_at IS NOT NULL;`,
  },
  {
    version: 2,
    name: 'strikes',
    sql: `CREATE TABLE strikes (
      rowid INTEGER NOT NULL,
      replay INTEGER NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (rowid, replay)
    ) WITHOUT ROWID;`,
  },
  {
    version: 3,
    name: 'done-ahead',
    sql: `CREATE TABLE done_ahead (rowid INTEGER PRIMARY KEY);`,
  },
];

/** Refusals so far of the records being retried (outbox rowid → strikes), kept across restarts. */
export interface StrikeStore {
  get(rowid: number): number | undefined;
  set(rowid: number, n: number): void;
  delete(rowid: number): void;
  /** Forgets the strikes of rows at or before `position` (delivered or set aside). */
  forgetUpTo(position: number): void;
}

/** Outbox rows done (delivered or set aside) beyond the position while an earlier one is retried, kept across restarts. */
export interface DoneAheadStore {
  all(): number[];
  add(rowid: number): void;
  /** Forgets the rows at or before `position` (the position has passed them). */
  forgetUpTo(position: number): void;
}

export const DEAD_LETTERS_FILE = 'gat1400-dead-letters.db';

export class DeadLetters {
  private readonly db: Database;
  private readonly insert: Statement;
  private readonly count: Statement<{ n: number }>;
  private readonly pending: Statement<Row>;
  /** Dead letters set aside since this process started. */
  added = 0;
  replayed = 0;

  constructor(
    path: string,
    private readonly limits: { keepDays: number; maxLetters: number },
  ) {
    this.db = new Database(path, { migrations: MIGRATIONS });
    this.insert = this.db.prepare(
      `INSERT INTO dead_letters(rowid, event_id, kind, ts, json, record_id, reason, http_status, status_code, message, attempts, dead_at)
       VALUES (@rowid, @event_id, @kind, @ts, @json, @record_id, @reason, @http_status, @status_code, @message, @attempts, @dead_at)
       ON CONFLICT(rowid) DO UPDATE SET reason = excluded.reason, http_status = excluded.http_status,
         status_code = excluded.status_code, message = excluded.message, attempts = excluded.attempts,
         dead_at = excluded.dead_at, replay_requested_at = NULL`,
    );
    this.count = this.db.prepare('SELECT COUNT(*) AS n FROM dead_letters');
    this.pending = this.db.prepare(
      'SELECT * FROM dead_letters WHERE replay_requested_at IS NOT NULL ORDER BY replay_requested_at, rowid LIMIT 1',
    );
    this.prune();
  }

  /** Sets a record aside (or, after a failed replay, updates its reason and ends the replay). */
  add(row: SinkRow, what: Omit<DeadLetter, 'rowid' | 'eventId' | 'kind' | 'ts' | 'deadAt' | 'replayRequestedAt' | 'replays'>): void {
    this.insert.run({
      rowid: row.rowid,
      event_id: row.id,
      kind: row.kind,
      ts: row.ts,
      json: row.json,
      record_id: what.recordId,
      reason: what.reason,
      http_status: what.httpStatus,
      status_code: what.statusCode,
      message: what.message.slice(0, 500),
      attempts: what.attempts,
      dead_at: new Date().toISOString(),
    });
    this.added++;
    this.prune();
  }

  size(): number {
    return this.count.get()?.n ?? 0;
  }

  /** The strikes of the outbox head's records (`replay` false) or of dead letters being replayed. */
  strikes(replay: boolean): StrikeStore {
    const r = replay ? 1 : 0;
    const get = this.db.prepare<{ n: number }>('SELECT n FROM strikes WHERE rowid = ? AND replay = ?');
    const set = this.db.prepare(
      'INSERT INTO strikes(rowid, replay, n) VALUES (?, ?, ?) ON CONFLICT(rowid, replay) DO UPDATE SET n = excluded.n',
    );
    const del = this.db.prepare('DELETE FROM strikes WHERE rowid = ? AND replay = ?');
    const forget = this.db.prepare('DELETE FROM strikes WHERE rowid <= ? AND replay = ?');
    return {
      get: (rowid) => get.get(rowid, r)?.n,
      set: (rowid, n) => void set.run(rowid, r, n),
      delete: (rowid) => void del.run(rowid, r),
      forgetUpTo: (position) => void forget.run(position, r),
    };
  }

  doneAhead(): DoneAheadStore {
    const all = this.db.prepare<{ rowid: number }>('SELECT rowid FROM done_ahead ORDER BY rowid');
    const add = this.db.prepare('INSERT OR IGNORE INTO done_ahead(rowid) VALUES (?)');
    const forget = this.db.prepare('DELETE FROM done_ahead WHERE rowid <= ?');
    return {
      all: () => all.all().map((r) => r.rowid),
      add: (rowid) => void add.run(rowid),
      forgetUpTo: (position) => void forget.run(position),
    };
  }

  /** Newest first, up to `limit`, from `offset`. */
  list(limit: number, offset = 0): DeadLetter[] {
    return this.db
      .prepare<Row>('SELECT * FROM dead_letters ORDER BY dead_at DESC, rowid DESC LIMIT ? OFFSET ?')
      .all(limit, offset)
      .map(view);
  }

  /** Asks for a replay of the named letters (by event id), or of all. Returns how many were queued. */
  requestReplay(eventIds: readonly string[] | 'all'): number {
    const now = new Date().toISOString();
    if (eventIds === 'all')
      return this.db.prepare('UPDATE dead_letters SET replay_requested_at = ? WHERE replay_requested_at IS NULL').run(now).changes;
    const one = this.db.prepare('UPDATE dead_letters SET replay_requested_at = COALESCE(replay_requested_at, ?) WHERE event_id = ?');
    return this.db.transaction(() => eventIds.reduce((n, id) => n + one.run(now, id).changes, 0));
  }

  /** Event ids among these that are not dead letters. */
  unknown(eventIds: readonly string[]): string[] {
    const has = this.db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM dead_letters WHERE event_id = ?');
    return eventIds.filter((id) => (has.get(id)?.n ?? 0) === 0);
  }

  /** The next letter whose replay was asked for, as the outbox row it came from. */
  nextReplay(): { row: SinkRow; letter: DeadLetter } | undefined {
    const r = this.pending.get();
    return r ? { row: { rowid: r.rowid, id: r.event_id, kind: r.kind, ts: r.ts, json: r.json }, letter: view(r) } : undefined;
  }

  /** A replayed letter was delivered: it is no longer dead. */
  delivered(rowid: number): void {
    if (this.db.prepare('DELETE FROM dead_letters WHERE rowid = ?').run(rowid).changes > 0) this.replayed++;
  }

  /** Counts a replay attempt of a letter. */
  replayTried(rowid: number): void {
    this.db.prepare('UPDATE dead_letters SET replays = replays + 1 WHERE rowid = ?').run(rowid);
  }

  /** Deletes letters past `keepDays` and beyond `maxLetters`. */
  prune(now = Date.now()): number {
    const cutoff = new Date(now - this.limits.keepDays * 86_400_000).toISOString();
    let n = this.db.prepare('DELETE FROM dead_letters WHERE dead_at < ?').run(cutoff).changes;
    n += this.db
      .prepare(
        'DELETE FROM dead_letters WHERE rowid IN (SELECT rowid FROM dead_letters ORDER BY dead_at DESC, rowid DESC LIMIT -1 OFFSET ?)',
      )
      .run(this.limits.maxLetters).changes;
    this.db.prepare('DELETE FROM strikes WHERE replay = 1 AND rowid NOT IN (SELECT rowid FROM dead_letters)').run();
    return n;
  }

  close(): void {
    this.db.close();
  }
}

function view(r: Row): DeadLetter {
  return {
    rowid: r.rowid,
    eventId: r.event_id,
    kind: r.kind,
    ts: r.ts,
    recordId: r.record_id,
    // Letters set aside before envelope version 2 say invalid-event: read in today's spelling.
    reason: currentValue(r.reason) as DeadReason,
    httpStatus: r.http_status,
    statusCode: r.status_code,
    message: r.message,
    attempts: r.attempts,
    deadAt: r.dead_at,
    replayRequestedAt: r.replay_requested_at,
    replays: r.replays,
  };
}
