import { createRequire } from 'node:module';
import type { Logger } from './logger.js';

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
  on(event: 'error', cb: (err: Error) => void): void;
  close(): void;
}
const require = createRequire(import.meta.url);

/**
 * systemd notify protocol (as zigbee2mqtt's lib/util/sd-notify.ts): READY=1 once started,
 * WATCHDOG=1 every half of WATCHDOG_USEC, STOPPING=1 on shutdown. Node cannot send unix
 * datagrams itself, so the small `unix-dgram` addon does it; without NOTIFY_SOCKET (not run by
 * systemd) every call is a no-op.
 */
export class SdNotify {
  private timer: NodeJS.Timeout | undefined;
  private socket: UnixDgramSocket | undefined;
  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  get enabled(): boolean {
    return Boolean(this.env.NOTIFY_SOCKET);
  }

  /** Interval at which WATCHDOG=1 is sent (half of WATCHDOG_USEC), or undefined. */
  watchdogIntervalMs(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    if (!Number.isFinite(usec) || usec <= 0) return undefined;
    const pid = this.env.WATCHDOG_PID;
    if (pid && Number(pid) !== process.pid) return undefined;
    return Math.max(1, Math.floor(usec / 2000));
  }

  ready(status = 'running'): void {
    this.send(`READY=1\nSTATUS=${status}\nMAINPID=${process.pid}`);
    const every = this.watchdogIntervalMs();
    if (every) {
      this.timer = setInterval(() => this.send('WATCHDOG=1'), every);
      this.timer.unref();
    }
  }

  stopping(): void {
    if (this.timer) clearInterval(this.timer);
    this.send('STOPPING=1');
    this.socket?.close();
    this.socket = undefined;
  }

  send(message: string): void {
    let path = this.env.NOTIFY_SOCKET;
    if (!path) return;
    if (path.startsWith('@')) path = `\0${path.slice(1)}`; // abstract namespace
    try {
      if (!this.socket) {
        const { createSocket } = require('unix-dgram') as { createSocket(type: 'unix_dgram'): UnixDgramSocket };
        this.socket = createSocket('unix_dgram');
        this.socket.on('error', (err) => this.log.warn({ err: err.message }, 'sd_notify socket error'));
      }
      const buf = Buffer.from(message);
      this.socket.send(buf, 0, buf.length, path, (err) => {
        if (err) this.log.warn({ err: err.message }, 'sd_notify send failed');
      });
    } catch (err) {
      this.log.warn({ err }, 'sd_notify unavailable');
    }
  }
}
