import { readFileSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errMessage } from '../../core/errors.js';
import { parseFireState } from './failsafe.js';

/**
 * The fire state on disk: which fire inputs were active, in a small JSON file beside the
 * database but independent of it (it must work when the store is down). Read synchronously once
 * at start, before the first device command; written after every change, off the safety path
 * (the hold-open is sent first), atomically: a temporary file written and fsync'd, renamed over
 * the old one, and the folder fsync'd. Writes coalesce: one in flight, the latest state next.
 */
export class FireStateFile {
  private writing = false;
  private next: string[] | undefined;
  private lastError: string | undefined;
  private idle: Array<() => void> = [];

  constructor(
    readonly path: string,
    private readonly onError: (err: string) => void,
  ) {}

  /** The active sources saved by the last run; `problem` when the file exists but cannot be read. */
  load(): { active: string[]; problem?: string } {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { active: [] };
      return { active: [], problem: errMessage(err) };
    }
    const parsed = parseFireState(text);
    return parsed ?? { active: [], problem: 'not a fire-state document' };
  }

  /** Saves `active` (coalesced with other saves in flight). */
  save(active: string[]): void {
    this.next = [...active].sort();
    if (!this.writing) void this.drain();
  }

  /** Resolves once nothing is waiting to be written (stop, tests). */
  flushed(): Promise<void> {
    if (!this.writing && !this.next) return Promise.resolve();
    return new Promise((r) => this.idle.push(r));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.next) {
      const active = this.next;
      this.next = undefined;
      try {
        await this.write(active);
        this.lastError = undefined;
      } catch (err) {
        const msg = errMessage(err);
        if (msg !== this.lastError) this.onError(msg);
        this.lastError = msg;
      }
    }
    this.writing = false;
    for (const r of this.idle.splice(0)) r();
  }

  private async write(active: string[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(`${JSON.stringify({ active, savedAt: new Date().toISOString() })}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    // The rename itself is durable only once the folder is.
    const d = await open(dirname(this.path), 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}
