import { afterEach, describe, expect, it } from 'vitest';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import type { CameraStreams } from '../../gateway/rooms/cameras/room.js';
import type { DeviceDirectory } from '../../gateway/rooms/devices/room.js';
import { Gb28181Room } from './room.js';
import { freeSipPort } from './testing/sipp.js';

/** No camera or device: these tests are about the uplink itself. */
const noCameras: CameraStreams = { cameraIds: () => [], pictures: () => undefined };
const noDevices: DeviceDirectory = { info: () => undefined };

/** The room never takes the gateway down: an unreachable platform or a taken SIP port cost only this uplink. */
describe('gb28181 room', () => {
  let ctx: TestContext | undefined;
  let stopRoom: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stopRoom?.();
    stopRoom = undefined;
    ctx?.dispose();
    ctx = undefined;
  });

  const make = (gb: Record<string, unknown>) => {
    const c = testContext({
      cameras: { demo: false, liveView: { enabled: false } },
      devices: [],
      console: { enabled: false },
      gb28181: gb,
    });
    ctx = c;
    writeFileSync(join(c.dataDir, 'gb.pw'), 'pw\n', { mode: 0o600 });
    const g = new Gb28181Room(c, { cameras: noCameras, devices: noDevices });
    const start = async () => void (stopRoom = await startRoom(c, g));
    return { ctx: c, room: g, start };
  };
  const base = { enabled: true, deviceId: '34020000001180000001', passwordFile: 'gb.pw', localPort: 0, retryMinMs: 200, retryMaxMs: 1000 };

  it('does nothing when disabled', async () => {
    const { room, start } = make({ enabled: false });
    await start();
    expect(room.device()).toBeUndefined();
    expect(room.summary?.() ?? []).toEqual([]);
  });

  it('starts while the platform refuses TCP connections, and keeps trying with backoff', async () => {
    const port = await freeSipPort(); // nobody listens there
    const { ctx, room, start } = make({ ...base, server: { id: '34020000002000000001', host: '127.0.0.1', port, transport: 'tcp' } });
    await start();
    await until(() => ctx.logs.filter((l) => /registration failed: cannot connect/.test(String(l.msg))).length >= 2, 'two failed attempts');
    expect(room.summary?.()[0]).toMatch(/not registered: cannot connect to 127\.0\.0\.1/);
  });

  it('starts while the platform name does not resolve', async () => {
    const { ctx, start } = make({ ...base, server: { id: '34020000002000000001', host: 'platform.invalid' } });
    await start();
    await until(
      () => ctx.logs.some((l) => /registration failed: cannot resolve platform\.invalid/.test(String(l.msg))),
      'a resolve failure',
    );
  });

  it('reports a SIP port already taken without failing the gateway start', async () => {
    const taken = createSocket('udp4');
    await new Promise<void>((r) => taken.bind(0, () => r()));
    try {
      const { ctx, room, start } = make({
        ...base,
        localPort: taken.address().port,
        server: { id: '34020000002000000001', host: '127.0.0.1' },
      });
      await start();
      expect(room.device()).toBeUndefined();
      expect(room.summary?.()[0]).toMatch(/cannot start: bind EADDRINUSE/);
      expect(ctx.logs.some((l) => l.msg === 'GB/T 28181 device cannot start; the gateway runs without it')).toBe(true);
    } finally {
      taken.close();
    }
  });
});
