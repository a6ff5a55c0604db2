import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { stringify } from 'yaml';
import { checkConfig } from './check-config.js';
import { parseConfig } from './config/load.js';
import { Controller } from './controller.js';
import { createLogger } from './core/logger.js';
import { trackTimers } from './testing/live-timers.js';

/** Handles and requests the process holds now, by type (timers, sockets, servers, child processes, ...). */
function resources(): Record<string, number> {
  const count: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) count[r] = (count[r] ?? 0) + 1;
  return count;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the controller', () => {
  it('starts every room and, once stopped, leaves no timer, listener, socket or child process behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sharpeyes-controller-'));
    dirs.push(dir);
    // The embedded defaults (demo cameras on a local RTSP server, a simulated gate on a pty, the
    // embedded broker, the console), with every uplink on and pointing where nobody answers, so
    // their retry timers are pending when the rooms stop. No models: recognition stays idle.
    const yaml = stringify({
      node: { id: 'lifecycle', dataDir: dir },
      cloud: { embeddedPort: 0 },
      console: { port: 0 },
      faces: { enabled: false },
      plates: { enabled: false },
      gat1400: { enabled: true, url: 'http://127.0.0.1:9/VIID', deviceId: '31010400005030000001', retryMinMs: 100 },
      gb28181: {
        enabled: true,
        deviceId: '34020000001180000001',
        passwordFile: 'gb.pw',
        localPort: 0,
        retryMinMs: 200,
        server: { id: '34020000002000000001', host: '127.0.0.1', port: 9, transport: 'tcp' },
      },
    });
    writeFileSync(join(dir, 'gb.pw'), 'pw\n', { mode: 0o600 });
    const loaded = checkConfig(parseConfig(yaml, { source: 'test', baseDir: dir, env: {} }));
    const log = createLogger({ level: 'silent' });
    const before = resources();
    const timers = trackTimers();
    onTestFinished(() => timers.restore());
    const controller = new Controller(loaded, log);
    await controller.start();
    expect(controller.roomNames()).toEqual([
      'store',
      'cloud-bridge',
      'gat1400',
      'devices',
      'faces',
      'plates',
      'demo',
      'cameras',
      'access',
      'alarms',
      'gb28181',
      'console',
    ]);
    // The demo room plays its cameras and the cameras room runs them.
    expect(controller.summary()).toContainEqual(expect.stringMatching(/^cameras: demo-door, demo-lane \(.*rtsp:\/\/127\.0\.0\.1:\d+/));
    // Let timers, retries and the demo cameras get going.
    await new Promise((r) => setTimeout(r, 1500));
    // Both uplinks run and keep retrying a platform that is not there.
    expect(controller.summary()).toContainEqual(expect.stringMatching(/^gb28181: device 34020000001180000001 .*not registered/));
    expect(controller.summary()).toContainEqual(expect.stringMatching(/^GA\/T 1400: http:\/\/127\.0\.0\.1:9\/VIID/));
    expect(controller.openInScopes()).toBeGreaterThan(0);
    expect(timers.live().length).toBeGreaterThan(0);
    await controller.stop('test');
    expect(controller.openInScopes()).toBe(0);
    // Closed sockets and exited children leave the handle list a moment later. What the test
    // runner itself held before may have gone meanwhile: nothing may be more than before.
    const more = () => {
      const now = resources();
      return Object.fromEntries(Object.entries(now).filter(([type, n]) => n > (before[type] ?? 0)));
    };
    const deadline = Date.now() + 10_000;
    while (Object.keys(more()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(more()).toEqual({});
    // Unref'd timers are not in that list: every timer made since the controller was built has
    // fired or was cleared (the waits of this test included).
    expect(timers.live()).toEqual([]);
  }, 60_000);
});
