import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ActionError } from './action-error.js';
import { errMessage } from './errors.js';
import { ReplayWindow, type Stamp } from './replay-window.js';

/**
 * Refuses stale and replayed state-changing requests (the rule: core/replay-window.ts) and keeps
 * the nonces it admitted in a small file, so a request captured before a restart cannot replay
 * after it. One JSON array a line: `[sentAtMs, key]` for a nonce, `["H", ms]` for the horizon.
 * The file is appended to (no fsync: a crash or kill of the daemon keeps it, the page cache
 * outlives the process) and rewritten with only the live nonces at start and whenever the
 * appended lines outnumber them, so it stays as bounded as the window.
 *
 * If the file cannot be written (disk full), the guard goes on in memory and says so once: a
 * full disk must not stop gate commands or alarm acknowledgements.
 */
export class ReplayGuard {
  readonly window: ReplayWindow;
  private appended = 0;
  private writeFailed = false;

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
    if (opts.file) this.load(opts.file);
  }

  private get now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Throws ActionError('stale' | 'replayed'), or admits the request's nonce (persisted before it returns). */
  check(stamp: Stamp, account = 'platform'): void {
    const v = this.window.check(account, stamp, this.now);
    if (!v.ok) throw new ActionError(v.message, v.code);
    const { evicted } = this.window.admit(v.key, v.sentAt);
    if (evicted > 0) this.compact();
    else this.append([v.sentAt, v.key]);
  }

  private load(file: string): void {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.warn?.(`cannot read the nonce store ${file}: ${errMessage(err)}`);
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
    if (bad > 1) this.opts.warn?.(`nonce store ${file}: ${bad} unreadable lines ignored`);
    this.window.prune(now, true);
    this.compact();
  }

  /** Rewrites the file with the live nonces and the horizon (temp file + rename: never half a file). */
  private compact(): void {
    const file = this.opts.file;
    if (!file) return;
    const lines = this.window.entries().map((e) => JSON.stringify([e[1], e[0]]));
    if (Number.isFinite(this.window.horizon)) lines.unshift(JSON.stringify(['H', this.window.horizon]));
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
      this.appended = 0;
      this.writeFailed = false;
    } catch (err) {
      this.failed(err);
    }
  }

  private append(entry: [number, string]): void {
    const file = this.opts.file;
    if (!file) return;
    if (this.appended > Math.max(1000, this.window.size)) {
      this.window.prune(this.now, true);
      this.compact();
      return;
    }
    try {
      appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
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
