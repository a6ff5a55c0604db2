import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SdNotify } from './sd-notify.js';
import { createLogger } from './logger.js';

interface DgramServer {
  bind(path: string): void;
  on(event: 'message', cb: (msg: Buffer) => void): void;
  close(): void;
}
const require = createRequire(import.meta.url);
const { createSocket } = require('unix-dgram') as { createSocket(type: 'unix_dgram', cb?: (msg: Buffer) => void): DgramServer };

describe('SdNotify (systemd notify protocol on a real unix datagram socket)', () => {
  it('sends READY=1, WATCHDOG=1 at half of WATCHDOG_USEC, and STOPPING=1', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'se-notify-')), 'notify.sock');
    const got: string[] = [];
    const server = createSocket('unix_dgram', (msg) => got.push(msg.toString()));
    server.bind(path);
    const notify = new SdNotify(createLogger({ level: 'silent' }), {
      NOTIFY_SOCKET: path,
      WATCHDOG_USEC: '200000',
      WATCHDOG_PID: String(process.pid),
    });
    expect(notify.watchdogIntervalMs()).toBe(100);
    notify.ready();
    const deadline = Date.now() + 5000;
    while (got.filter((m) => m === 'WATCHDOG=1').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    notify.stopping();
    await new Promise((r) => setTimeout(r, 100));
    server.close();
    expect(got[0]).toBe(`READY=1\nSTATUS=running\nMAINPID=${process.pid}`);
    expect(got.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(2);
    expect(got.at(-1)).toBe('STOPPING=1');
  });

  it('does nothing without NOTIFY_SOCKET and ignores a watchdog meant for another pid', () => {
    const log = createLogger({ level: 'silent' });
    expect(new SdNotify(log, {}).enabled).toBe(false);
    expect(new SdNotify(log, { WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1' }).watchdogIntervalMs()).toBeUndefined();
    new SdNotify(log, {}).ready(); // no throw, no socket
  });
});
