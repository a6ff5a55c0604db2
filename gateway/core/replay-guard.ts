import { ActionError } from './action-error.js';
import { errMessage } from './errors.js';
import { NonceFile } from './nonce-file.js';
import { ReplayWindow, type Stamp } from './replay-window.js';

/**
 * Refuses stale and replayed state-changing requests (the rule: core/replay-window.ts) and keeps
 * the nonces it admitted in a small file, so a request captured before a restart cannot replay
 * after it. One JSON array a line: `[sentAtMs, key]` for a nonce, `["H", ms]` for the horizon.
 * The file (core/nonce-file.ts) is appended to at once and fsynced off the event loop, batched;
 * `durable()` resolves once every nonce admitted so far is on the disk, and the action table
 * answers a request only then: a request that was answered cannot replay after a power cut. It
 * is rewritten with only the live nonces at start and whenever the appended lines outnumber
 * them, so it stays as bounded as the window.
 *
 * If the file cannot be written or fsynced (disk full, I/O error), the guard goes on in memory,
 * answers without waiting and says so once: a full disk must not stop gate commands or alarm
 * acknowledgements (a power cut meanwhile forgets those nonces).
 */
export class ReplayGuard {
  readonly window: ReplayWindow;
  private appended = 0;
  private writeFailed = false;
  private readonly file: NonceFile | undefined;

  constructor(
    maxAgeS: number,
    private readonly opts: {
      now?: () => number;
      /** Where the nonces persist; none: memory only (tests of the rule). */
      file?: string;
      maxEntries?: number;
      warn?: (msg: string) => void;
    } = {},
  ) {
    this.window = new ReplayWindow(maxAgeS, opts.maxEntries ?? 100_000);
    if (opts.file) {
      this.file = new NonceFile(opts.file, (what, err) =>
        this.opts.warn?.(`cannot ${what} the nonce store ${opts.file}: ${errMessage(err)}`),
      );
      this.load(this.file);
    }
  }

  /** Resolves once every nonce admitted so far is on the disk (at once without a file, or when it fails). */
  durable(): Promise<void> {
    return this.file?.durable() ?? Promise.resolve();
  }

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Throws ActionError('stale' | 'replayed'), or admits the request's nonce (written before it returns, durable with `durable()`). */
  check(stamp: Stamp, account = 'platform'): void {
    const v = this.window.check(account, stamp, this.now);
    if (!v.ok) throw new ActionError(v.message, v.code);
    const { evicted } = this.window.admit(v.key, v.sentAt);
    if (evicted > 0) this.compact();
    else this.append([v.sentAt, v.key]);
  }

  private load(file: NonceFile): void {
    let text = '';
    try {
      text = file.read();
    } catch (err) {
      this.opts.warn?.(`cannot read the nonce store ${file.path}: ${errMessage(err)}`);
    }
    let bad = 0;
    const now = this.now;
    for (const line of text.split('\n')) {
      if (!line) continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        bad++;
        continue;
      }
      if (!Array.isArray(entry) || entry.length !== 2) {
        bad++;
        continue;
      }
      const [a, b] = entry as [unknown, unknown];
      if (a === 'H' && typeof b === 'number') this.window.horizon = Math.max(this.window.horizon, b);
      else if (typeof a === 'number' && typeof b === 'string') this.window.admit(b, a);
      else bad++;
    }
    // A line cut off by a crash mid-write is expected at the end; say so only when more is wrong.
    if (bad > 1) this.opts.warn?.(`nonce store ${file.path}: ${bad} unreadable lines ignored`);
    this.window.prune(now, true);
    this.compact();
  }

  /** Rewrites the file with the live nonces and the horizon (temp file + rename once fsynced: never half a file). */
  private compact(): void {
    const file = this.file;
    if (!file) return;
    const lines = this.window.entries().map((e) => JSON.stringify([e[1], e[0]]));
    if (Number.isFinite(this.window.horizon)) lines.unshift(JSON.stringify(['H', this.window.horizon]));
    try {
      file.rewrite(lines);
      this.appended = 0;
      this.writeFailed = false;
    } catch (err) {
      this.failed(err);
    }
  }

  private append(entry: [number, string]): void {
    const file = this.file;
    if (!file) return;
    if (this.appended > Math.max(1000, this.window.size)) {
      this.window.prune(this.now, true);
      this.compact();
      return;
    }
    try {
      file.append(JSON.stringify(entry));
      this.appended++;
      this.writeFailed = false;
    } catch (err) {
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    if (this.writeFailed) return;
    this.writeFailed = true;
    this.opts.warn?.(
      `cannot write the nonce store ${this.opts.file}: ${errMessage(err)}; nonces kept in memory until it can (a restart meanwhile forgets them)`,
    );
  }
}
