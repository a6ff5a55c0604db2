import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LineSpec } from './gpio.js';
import { errMessage } from '../../../core/errors.js';

/**
 * One GPIO output line held by its own process (gpio-holder.py), which outlives the daemon:
 *
 * - The holder runs in its own session (setsid), so a daemon stop, crash or kill -9 leaves the
 *   line driven, and the systemd unit's KillMode=process plus its ExecStopPost sweep
 *   (scripts/stop-leftovers.sh) spare it. The line goes back to its default only when the holder
 *   is told to `release` it or is killed on purpose.
 * - Its unix socket and state file live in `dir` (the data directory's run/gpio): the next daemon
 *   connects to the socket and adopts the holder, never killing it.
 * - `prepare` (when the device comes up) adopts the holder or starts one on standby: loaded and
 *   listening, the line untouched, so the first command never waits for an interpreter to start.
 * - `set` changes the level in place, and only when it differs; a standby holder requests the
 *   line at that level; a holder that died is started again and requests it at the wanted level.
 *   Nothing ever releases the line and requests it again (but a change of the line's polarity).
 */
export const HOLDER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'gpio-holder.py');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const START_TIMEOUT_MS = 120_000;

export interface HolderState {
  /** null: on standby, the line not requested yet. */
  value: 0 | 1 | null;
  activeLow: boolean;
  pid: number;
}

interface Waiter {
  resolve(s: HolderState): void;
  reject(e: Error): void;
}

export class HeldLine {
  readonly socketPath: string;
  readonly statePath: string;
  private sock: Socket | undefined;
  private readonly waiters: Waiter[] = [];
  private last: HolderState | undefined;
  private want: 0 | 1 | undefined;

  constructor(
    private readonly chip: string,
    private readonly spec: LineSpec,
    private readonly dir: string,
  ) {
    const name = `${basename(chip)}-${spec.offset}`;
    this.socketPath = join(dir, `${name}.sock`);
    this.statePath = join(dir, `${name}.json`);
  }

  /** The level last asked for with `set` (undefined before any). */
  get wanted(): 0 | 1 | undefined {
    return this.want;
  }

  /** Whether the holder's socket is open (false once it died, until the next connect). */
  get connected(): boolean {
    return this.sock !== undefined;
  }

  /** The level last confirmed by the holder (undefined before prepare/set, null on standby). */
  get level(): 0 | 1 | null | undefined {
    return this.last?.value;
  }

  /**
   * Adopts the holder an earlier daemon left (its state says the level it drives), or starts one
   * on standby (value null). The line is not touched either way.
   */
  async prepare(): Promise<HolderState> {
    if (await this.connect()) {
      const s = await this.request({ op: 'get' });
      if (s.activeLow === this.spec.activeLow) return s;
      // The profile's polarity changed since the holder started: the only case that lets go.
      await this.release();
    }
    await this.start();
    return this.request({ op: 'get' });
  }

  /**
   * Drives the line to `value`. 'unchanged': the holder already drove it (nothing touched the
   * line); 'set': changed in place or requested by a holder on standby; 'started': the holder
   * had died, a new one requested the line at that level.
   */
  async set(value: 0 | 1): Promise<'unchanged' | 'set' | 'started'> {
    this.want = value;
    try {
      return await this.setOnce(value);
    } catch (err) {
      // The holder died since we last spoke (its socket failed on this request): start another.
      if (this.sock) throw err;
      const r = await this.setOnce(value);
      return r === 'unchanged' ? r : 'started';
    }
  }

  private async setOnce(value: 0 | 1): Promise<'unchanged' | 'set' | 'started'> {
    let started = false;
    if (!this.sock && !(await this.connect())) {
      await this.start();
      started = true;
    }
    const now = await this.request({ op: 'get' });
    if (now.activeLow !== this.spec.activeLow) {
      await this.release();
      await this.start();
      started = true;
    } else if (now.value === value) return 'unchanged';
    const after = await this.request({ op: 'set', value });
    if (after.value !== value) throw new Error(`gpio holder of line ${this.spec.offset} reads ${after.value} after set ${value}`);
    return started ? 'started' : 'set';
  }

  /** Lets the line go (it returns to its default): only for a line no longer configured. */
  async release(): Promise<void> {
    if (!this.sock && !(await this.connect())) return;
    const sock = this.sock as Socket;
    sock.write(`${JSON.stringify({ op: 'release' })}\n`);
    await new Promise<void>((r) => sock.once('close', () => r()));
  }

  /** Disconnects; the holder keeps the line where it is. */
  detach(): void {
    this.sock?.destroy();
    this.sock = undefined;
  }

  /** Starts a holder on standby and connects to it. */
  private async start(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const logPath = `${this.socketPath.slice(0, -5)}.log`;
    const logFd = openSync(logPath, 'w', 0o600);
    try {
      const args = [HOLDER_SCRIPT, this.chip, String(this.spec.offset), this.spec.activeLow ? '1' : '0', '-'];
      const child = spawn(PYTHON, [...args, this.socketPath, this.statePath], {
        detached: true, // own session and process group: the daemon's end is not the line's end
        stdio: ['ignore', 'ignore', logFd],
      });
      child.unref();
      const exited = new Promise<string>((r) => child.once('exit', (code) => r(`exited ${code}`)));
      const spawnErr = new Promise<string>((r) => child.once('error', (e) => r(e.message)));
      // An interpreter on a slow box (or in the emulated test VM) may take many seconds to load.
      const deadline = Date.now() + START_TIMEOUT_MS;
      for (;;) {
        const why = await Promise.race([exited, spawnErr, new Promise<undefined>((r) => setTimeout(() => r(undefined), 20))]);
        if (why !== undefined) {
          const detail = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim() : '';
          throw new Error(`gpio holder for line ${this.spec.offset} ${why}${detail ? `: ${detail}` : ''}`);
        }
        if (await this.connect()) break;
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`gpio holder for line ${this.spec.offset} did not answer within ${START_TIMEOUT_MS / 1000} s`);
        }
      }
    } finally {
      closeSync(logFd);
    }
  }

  private connect(): Promise<boolean> {
    if (this.sock) return Promise.resolve(true);
    if (!existsSync(this.socketPath)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const sock = connect(this.socketPath);
      sock.once('error', () => resolve(false));
      sock.once('connect', () => {
        this.sock = sock;
        sock.removeAllListeners('error');
        sock.on('error', () => {}); // 'close' follows and fails what waits
        createInterface({ input: sock }).on('line', (line) => this.onLine(line));
        sock.once('close', () => {
          if (this.sock === sock) this.sock = undefined;
          this.last = undefined;
          for (const w of this.waiters.splice(0)) w.reject(new Error(`gpio holder of line ${this.spec.offset} went away`));
        });
        resolve(true);
      });
    });
  }

  private onLine(line: string): void {
    const w = this.waiters.shift();
    if (!w) return;
    try {
      const m = JSON.parse(line) as { ok: boolean; error?: string; value?: number; activeLow?: boolean; pid?: number };
      if (!m.ok) throw new Error(m.error ?? 'refused');
      this.last = { value: m.value === 1 ? 1 : m.value === 0 ? 0 : null, activeLow: Boolean(m.activeLow), pid: m.pid ?? 0 };
      w.resolve(this.last);
    } catch (err) {
      w.reject(new Error(`gpio holder of line ${this.spec.offset}: ${errMessage(err)}`));
    }
  }

  private request(req: object): Promise<HolderState> {
    const sock = this.sock;
    if (!sock) return Promise.reject(new Error(`gpio holder of line ${this.spec.offset} is not connected`));
    if (sock.destroyed || !sock.writable) {
      this.detach();
      return Promise.reject(new Error(`gpio holder of line ${this.spec.offset} went away`));
    }
    return new Promise<HolderState>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`gpio holder of line ${this.spec.offset} did not answer within 5 s`));
        this.detach(); // a late answer must not settle the next request
      }, 5000);
      const w: Waiter = {
        resolve: (s) => (clearTimeout(timer), resolve(s)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.waiters.push(w);
      sock.write(`${JSON.stringify(req)}\n`, (err) => {
        if (!err) return;
        this.detach(); // EPIPE: the holder died; 'close' fails what waits
        w.reject(new Error(`gpio holder of line ${this.spec.offset} went away: ${err.message}`));
      });
    });
  }
}

/** Reads a holder's state file (what an operator or a test sees without the socket). */
export function readHolderState(statePath: string): (HolderState & { offset: number; chip: string }) | undefined {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8')) as HolderState & { offset: number; chip: string };
  } catch {
    return undefined;
  }
}
