import { realpathSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { Logger } from '../../../core/logger.js';
import { Backoff, NO_JITTER } from '../../../core/backoff.js';

/**
 * The only file that imports `serialport`. A serial line that keeps itself open: it reconnects
 * with exponential backoff after an unplug or an open failure, and can be told to drop and
 * reopen the port (the driver's heartbeat does so, because an unplugged pty is not always
 * reported by a close event).
 */
export interface LineSettings {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface ByteLink {
  readonly isOpen: boolean;
  start(): void;
  stop(): Promise<void>;
  write(bytes: Buffer): Promise<void>;
  /** Closes the port and reconnects after the backoff (heartbeat misses, write errors). */
  reconnect(reason: string): void;
}

export interface LinkHandlers {
  onData(chunk: Buffer): void;
  onUp(): void;
  onDown(reason: string): void;
}

export interface SerialLinkContext extends LinkHandlers {
  path: string;
  line: LineSettings;
  log: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Every this many ms, check that `path` still resolves to the device that was opened; a
   * vanished or re-pointed symlink (socat restarted, USB adapter replugged under /dev/serial/by-id)
   * counts as an unplug even when the kernel never reported one. 0 turns it off.
   */
  watchPathMs?: number;
  /**
   * A write not taken within this long (plus the time its bytes take at the baud rate) fails
   * and the port is reopened: a peer that stops reading must not stall the command queue.
   */
  writeTimeoutMs?: number;
}

function resolvePath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

/** The longest wait between attempts to open a port that is gone. */
const MAX_BACKOFF_MS = 1000;

export class SerialLink implements ByteLink {
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private backoff: Backoff | undefined;
  private stopped = true;
  private up = false;
  private watch: NodeJS.Timeout | undefined;
  private readonly pending = new Set<{ port: SerialPort; settle(err?: Error): void }>();
  private readonly ctx: SerialLinkContext;

  constructor(ctx: SerialLinkContext) {
    this.ctx = ctx;
  }

  get isOpen(): boolean {
    return this.up;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    const port = this.port;
    this.port = undefined;
    this.up = false;
    this.failPending(undefined, 'stopped');
    if (port?.isOpen) await new Promise<void>((res) => port.close(() => res()));
  }

  /**
   * Writes bytes; always settles. serialport never calls back a write issued while its port is
   * closing (it waits for an 'open' that a closed port object never sees), nor one the peer
   * never takes: writes still pending when their port is lost fail with it, and a write past
   * its timeout fails and reopens the port.
   */
  write(bytes: Buffer): Promise<void> {
    const port = this.port;
    if (!port || !this.up || !port.isOpen) return Promise.reject(new Error('serial port not open'));
    const ms = (this.ctx.writeTimeoutMs ?? 1000) + Math.ceil((bytes.length * 10_000) / this.ctx.line.baudRate);
    return new Promise((resolve, reject) => {
      const entry = {
        port,
        settle: (err?: Error) => {
          if (!this.pending.delete(entry)) return;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        },
      };
      this.pending.add(entry);
      const timer = setTimeout(() => {
        entry.settle(new Error(`serial write timed out after ${ms} ms (the device does not take data)`));
        this.lost(port, 'write timed out');
      }, ms);
      port.write(bytes, (err) => {
        if (err) {
          entry.settle(err);
          this.lost(port, `write failed: ${err.message}`);
        } else entry.settle();
      });
    });
  }

  /** Fails the writes still waiting on `port` (all of them without one). */
  private failPending(port: SerialPort | undefined, reason: string): void {
    for (const e of [...this.pending]) if (!port || e.port === port) e.settle(new Error(`serial port lost: ${reason}`));
  }

  reconnect(reason: string): void {
    if (this.port) this.lost(this.port, reason);
  }

  private connect(): void {
    if (this.stopped) return;
    const { path, line } = this.ctx;
    const port = new SerialPort({
      path,
      baudRate: line.baudRate,
      dataBits: line.dataBits,
      parity: line.parity,
      stopBits: line.stopBits,
      autoOpen: false,
      lock: false,
    });
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      if (this.port === port) this.ctx.onData(chunk);
    });
    port.on('close', (err: (Error & { disconnected?: boolean }) | null) => this.lost(port, err?.disconnected ? 'disconnected' : 'closed'));
    port.on('error', (err: Error) => this.lost(port, `error: ${err.message}`));
    port.open((err) => {
      if (this.port !== port) return;
      if (err) {
        this.ctx.log.debug({ path, err: err.message }, 'serial open failed');
        this.port = undefined;
        this.schedule();
        return;
      }
      this.backoff?.reset();
      this.up = true;
      this.watchPath(port);
      this.ctx.log.info({ path }, 'serial port open');
      this.ctx.onUp();
    });
  }

  private watchPath(port: SerialPort): void {
    const every = this.ctx.watchPathMs ?? 1000;
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    if (!every) return;
    const opened = resolvePath(this.ctx.path);
    this.watch = setInterval(() => {
      const now = resolvePath(this.ctx.path);
      if (now !== opened) this.lost(port, now ? 'device path now points elsewhere' : 'device path vanished');
    }, every);
    this.watch.unref?.();
  }

  private lost(port: SerialPort, reason: string): void {
    this.failPending(port, reason);
    if (this.port !== port) return;
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    this.port = undefined;
    const wasUp = this.up;
    this.up = false;
    if (port.isOpen) port.close(() => undefined);
    if (wasUp) {
      this.ctx.log.warn({ path: this.ctx.path, reason }, 'serial port lost');
      this.ctx.onDown(reason);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    // A local device file: a failed open() costs nothing, so the retry stays short. An egress
    // gate whose USB adapter was replugged during a fire is back (and held open again) within
    // about a second, not after a backoff grown to 10 s.
    this.backoff ??= new Backoff(this.ctx.minBackoffMs ?? 200, this.ctx.maxBackoffMs ?? MAX_BACKOFF_MS, NO_JITTER);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, this.backoff.next());
    this.timer.unref?.();
  }
}
