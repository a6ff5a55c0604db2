import { appendFileSync, close, existsSync, fsync, mkdirSync, open, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BatchedSync } from './batched-sync.js';

/**
 * The replay guard's file (`<dataDir>/request-nonces.jsonl`), its I/O only: lines appended at once
 * (a crash of the process keeps them, the page cache outlives it) and made durable by an fsync
 * that runs off the event loop, one at a time, each covering every line written before it
 * started (batched, like the event journal). `durable()` resolves once everything written before
 * the call is on the disk: the request server answers only then, so after a power cut no
 * answered request's nonce is forgotten.
 *
 * A rewrite (compaction) goes to `<file>.tmp`, which takes the appends from then on and is
 * renamed over the file once fsynced (then the folder is fsynced): a power cut meanwhile leaves
 * both, and `read()` takes the lines of both.
 */
export class NonceFile {
  private readonly batches = new BatchedSync((done) => this.fsyncRound(done));
  /** A rewrite waiting for its fsync before it replaces the file. */
  private renamePending = false;
  private reported = false;

  constructor(
    readonly path: string,
    private readonly onError: (what: string, err: unknown) => void,
  ) {}

  private get tmp(): string {
    return `${this.path}.tmp`;
  }

  /** The file's text and that of a rewrite a crash cut short (missing files read as empty). */
  read(): string {
    let text = '';
    for (const f of [this.path, this.tmp]) if (existsSync(f)) text += `${readFileSync(f, 'utf8')}\n`;
    return text;
  }

  /** Appends one line (throws when the file cannot be written); durable after the next fsync. */
  append(line: string): void {
    appendFileSync(this.renamePending ? this.tmp : this.path, `${line}\n`, { mode: 0o600 });
    this.batches.written();
  }

  /** Starts the file over with `lines` (throws when it cannot be written); it replaces the file once on the disk. */
  rewrite(lines: readonly string[]): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.tmp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    this.renamePending = true;
    this.batches.written();
  }

  /** Resolves once every line written before the call is on the disk (or the fsync failed, reported). */
  durable(): Promise<void> {
    return this.batches.durable();
  }

  /** fsync rounds run so far. */
  get syncs(): number {
    return this.batches.syncs;
  }

  private fsyncRound(finished: () => void): void {
    const rename = this.renamePending;
    const target = rename ? this.tmp : this.path;
    const done = (err: unknown) => {
      if (err) this.report('fsync', err);
      else this.reported = false;
      finished();
    };
    fsyncPath(target, 'r+', (err) => {
      if (err || !rename) return done(err);
      try {
        renameSync(this.tmp, this.path);
        this.renamePending = false;
      } catch (e) {
        return done(e);
      }
      // The rename itself is durable once the folder is.
      fsyncPath(dirname(this.path), 'r', done);
    });
  }

  private report(what: string, err: unknown): void {
    if (this.reported) return;
    this.reported = true;
    this.onError(what, err);
  }
}

/** open + fsync + close, off the event loop (libuv's thread pool). */
function fsyncPath(path: string, flags: 'r' | 'r+', cb: (err: NodeJS.ErrnoException | null) => void): void {
  open(path, flags, (err, fd) => {
    if (err) return cb(err);
    fsync(fd, (serr) => close(fd, () => cb(serr)));
  });
}
