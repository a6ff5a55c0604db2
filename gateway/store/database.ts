import BetterSqlite3 from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The only file that imports better-sqlite3. Every room talks to SQLite through these types. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}
export interface Statement<Row = unknown> {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  iterate(...params: unknown[]): IterableIterator<Row>;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered migrations: gateway/store/migrations/NNN-name.sql, applied in order, once each. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2] as string, sql: readFileSync(join(dir, file), 'utf8') });
  }
  const seen = new Set<number>();
  for (const mig of out) {
    if (seen.has(mig.version)) throw new Error(`two migrations numbered ${mig.version}`);
    seen.add(mig.version);
  }
  return out;
}

/**
 * SQLite in WAL mode. synchronous=NORMAL keeps every committed transaction across a process
 * kill (kill -9); only a power cut may lose the last few, never corrupt the file.
 *
 * `busyTimeoutMs`: how long a write waits for a lock another process holds. The daemon opens its
 * database with 0 (core/context.ts): better-sqlite3 waits on the event loop, so a CLI command or
 * a backup holding the lock would otherwise stall gates and alarms; a write that meets the lock
 * fails with SQLITE_BUSY at once and its caller retries from a timer (the publisher keeps the
 * events in memory and the journal meanwhile). One-shot tools (the CLI) keep the default 5 s.
 *
 * `checkpointInWorker`: SQLite copies the WAL into the database file (a checkpoint, with its
 * fsyncs) every 1,000 pages, inside whichever commit crosses the mark: on the event loop. With
 * this option the daemon's connection never checkpoints; a worker thread with its own connection
 * runs a PASSIVE checkpoint (which blocks no reader or writer) every 500 ms instead.
 */
const CHECKPOINT_EVERY_MS = 500;

/** The checkpoint worker (plain CommonJS: it runs without the TypeScript loader). */
const CHECKPOINT_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Sqlite = require(workerData.module);
const db = new Sqlite(workerData.path);
db.pragma('busy_timeout = 0');
const flag = new Int32Array(workerData.closed);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: the next round */ }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } finally { Atomics.store(flag, 0, 1); Atomics.notify(flag, 0); process.exit(0); }
});
`;

export class Database {
  private readonly db: BetterSqlite3.Database;
  readonly path: string;
  private readonly runInTransaction: (fn: () => unknown) => unknown;
  private checkpointer: { worker: Worker; closed: Int32Array } | undefined;

  constructor(path: string, opts: { migrations?: Migration[]; busyTimeoutMs?: number; checkpointInWorker?: boolean } = {}) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new BetterSqlite3(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // Migrations may wait for a lock (start-up, before anything else runs); then the setting.
    this.db.pragma('busy_timeout = 5000');
    this.migrate(opts.migrations ?? readMigrations());
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    // One transaction function for every call: building one per call cost ~13 µs an event.
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
    if (opts.checkpointInWorker && path !== ':memory:') this.startCheckpointer();
  }

  private startCheckpointer(): void {
    const closed = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: this.path,
        everyMs: CHECKPOINT_EVERY_MS,
        closed: closed.buffer,
      },
    });
    worker.unref();
    worker.on('error', () => {
      // Without the worker, this connection checkpoints again itself.
      if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      this.checkpointer = undefined;
    });
    this.checkpointer = { worker, closed };
    this.db.pragma('wal_autocheckpoint = 0');
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(migrations: Migration[]): void {
    const current = this.schemaVersion;
    const known = migrations.length ? Math.max(...migrations.map((m) => m.version)) : 0;
    if (current > known)
      throw new Error(`database ${this.path} has schema version ${current}, newer than this gateway knows (${known}); upgrade the gateway`);
    for (const mig of migrations) {
      if (mig.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(mig.sql);
        this.db.pragma(`user_version = ${mig.version}`);
      })();
    }
  }

  prepare<Row = unknown>(sql: string): Statement<Row> {
    return this.db.prepare(sql) as unknown as Statement<Row>;
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Runs fn in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction(fn) as T;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    const c = this.checkpointer;
    this.checkpointer = undefined;
    if (c) {
      // Synchronously: a caller may unmount the file system right after.
      c.worker.postMessage('close');
      Atomics.wait(c.closed, 0, 0, 5000);
    }
    if (this.db.open) this.db.close();
  }
}
