import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Database } from '../store/database.js';
import { Gateway } from './support.js';
import { freePort } from '../../cloud-bridge/testing/mosquitto.js';
import { startRoom, testContext, type TestContext } from '../testing/context.js';
import { CloudBridgeRoom } from '../../cloud-bridge/mqtt/room.js';

/**
 * Credentials never leave the box in clear: a camera whose RTSP URL carries a password, on a port
 * that accepts connections and never answers, goes offline (after the RTSP timeout, so the test's
 * platform, which subscribes once the daemon runs, is listening by then: a refused port fails
 * within milliseconds, before it subscribes); neither the daemon's log lines, its stdout, the
 * events the platform receives, the outbox rows, nor the status, camera list and config answers
 * contain the password.
 */
const PASSWORD = 's3cret-Cam-pw';

describe('a camera password stays out of logs, events and answers', () => {
  let gw: Gateway;
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    silent = createServer((sock) => {
      sock.on('error', () => undefined); // accepts, never answers
      sockets.add(sock);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as AddressInfo).port;
    gw = new Gateway(
      'secrets',
      [
        'cameras:',
        '  demo: false',
        '  liveView: {enabled: false}',
        '  list:',
        `    - {id: cam-1, rtsp: "rtsp://admin:${PASSWORD}@127.0.0.1:${port}/x", motion: {enabled: false}}`,
        'devices: []',
        'access: {points: []}',
        'faces: {enabled: false}',
        'plates: {enabled: false}',
        '',
      ].join('\n'),
    );
    await gw.start();
  }, 180_000);
  afterAll(async () => {
    await gw?.stop();
    for (const s of sockets) s.destroy();
    silent?.close();
  });

  it('camera.offline quotes the URL without its password, and nothing else shows it', async () => {
    const offline = await gw.waitForEvent('camera.offline', (d) => d.cameraId === 'cam-1', 90_000);
    // The event still says what failed, with the user and host; only the password is masked.
    expect(JSON.stringify(offline)).not.toContain(PASSWORD);
    const answers = await Promise.all(['ping', 'cameras/list', 'config/get'].map((a) => gw.request(a)));
    for (const a of answers) expect(a.status).toBe('ok');
    expect(JSON.stringify((answers[2]?.data as { config: unknown }).config)).toContain('admin:***@127.0.0.1');

    const db = new Database(join(gw.dir, 'gateway.db'));
    const rows = JSON.stringify(db.prepare('SELECT * FROM outbox').all());
    db.close();
    expect(rows).toContain('camera.offline');

    const logs = JSON.stringify(gw.daemon.logs);
    expect(logs).toContain('cam-1');
    for (const [where, text] of [
      ['log lines', logs],
      ['stdout', gw.daemon.stdout],
      ['events received by the platform', JSON.stringify(gw.events())],
      ['outbox rows', rows],
      ['answers (ping, cameras/list, config/get)', JSON.stringify(answers)],
    ] as const)
      expect({ where, leaks: text.includes(PASSWORD) || text.includes(encodeURIComponent(PASSWORD)) }).toEqual({ where, leaks: false });
  }, 120_000);
});

describe('a cloud.url with credentials', () => {
  let ctx: TestContext;
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
  });

  it('is logged with its password masked while the broker is unreachable', async () => {
    const closed = await freePort();
    ctx = testContext(`node:\n  id: gw-s\ncloud:\n  url: mqtt://gw-s:cloud-Pw-778@127.0.0.1:${closed}\n  reconnectMinMs: 100\n`);
    stop = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => JSON.stringify(l).includes(`127.0.0.1:${closed}`));
    const text = JSON.stringify(ctx.logs);
    expect(text).toContain('gw-s:***@127.0.0.1');
    expect(text).not.toContain('cloud-Pw-778');
  });
});
