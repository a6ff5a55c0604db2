import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CamerasRoom } from '../../rooms/cameras/room.js';
import { startRtspServer, type RtspServer } from '../rtsp-server/rtsp-server.js';
import { act, startRoom, testContext, until } from '../../testing/context.js';
import { freePort } from '../../rooms/cameras/testing/peers.js';

// One camera stream, every consumer at once, on real peers: GStreamer's RTSP server with Digest
// authentication that closes any connection beyond the first (a cheap camera allowing one
// session), the whole cameras room (analysis ffmpeg, live relays, snapshots), ffmpeg.
describe('one RTSP session per camera stream, fanned out', () => {
  const password = `pw-${randomBytes(9).toString('hex')}`; // appears nowhere else
  let port: number;
  let rtsp: RtspServer;
  let ctx: ReturnType<typeof testContext>;
  let room: CamerasRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  let web: Server;
  let webPort: number;
  const camera = () =>
    startRtspServer({ port, patterns: { '/cam': '320x180@10' }, auth: `admin:${password}`, authMethod: 'digest', maxClients: 1 });

  beforeAll(async () => {
    port = await freePort();
    rtsp = await camera();
    ctx = testContext({
      cameras: {
        stallTimeoutS: 4,
        restartMinMs: 300,
        restartMaxMs: 1000,
        analysis: { width: 320, height: 180, fps: 5 },
        liveView: { maxRelays: 2, maxViewersPerCamera: 5, idleStopS: 0.5, width: 320, height: 180 },
        list: [{ id: 'cam', rtsp: `rtsp://127.0.0.1:${port}/cam`, username: 'admin', passwordFile: 'cam.pw' }],
      },
    });
    writeFileSync(join(ctx.dataDir, 'cam.pw'), `${password}\n`, { mode: 0o600 });
    room = new CamerasRoom(ctx);
    stopRoom = await startRoom(ctx, room);
    const live = room.liveView()!;
    web = createServer();
    web.on('upgrade', (req, socket, head) => void live.accept(/^\/live\/(.+)$/.exec(req.url ?? '')?.[1] ?? '', req, socket, head));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    webPort = (web.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    await stopRoom?.();
    web?.closeAllConnections();
    await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
    await rtsp?.stop();
    ctx?.dispose();
  });

  const framesIn = () => room.counters().find((c) => c.cameraId === 'cam')?.framesIn ?? 0;
  const viewer = () => {
    const ws = new WebSocket(`ws://127.0.0.1:${webPort}/live/cam`);
    const v = { ws, bytes: 0, firstAt: 0, openedAt: Date.now() };
    ws.on('message', (d: Buffer) => {
      if (!v.firstAt) v.firstAt = Date.now();
      v.bytes += d.length;
    });
    ws.on('error', () => undefined);
    return v;
  };

  it('analysis, 3 live viewers and snapshots share one session; each gets pictures; no password on any command line', async () => {
    await until(() => framesIn() > 3, 'analysis frames', 30_000);
    const viewers = [viewer(), viewer(), viewer()];
    const shots = Promise.all(
      Array.from({ length: 4 }, () => act(ctx, 'cameras/snapshot', { cameraId: 'cam', main: true }) as Promise<{ path: string }>),
    );
    await until(() => viewers.every((v) => v.bytes > 20_000), 'every viewer receiving MPEG-TS', 30_000);
    for (const s of await shots) expect(readFileSync(s.path).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const later = (await act(ctx, 'cameras/snapshot', { cameraId: 'cam', main: true })) as { path: string };
    expect(readFileSync(later.path).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const n = framesIn();
    await until(() => framesIn() > n + 3, 'analysis frames while viewers watch', 15_000);
    // The camera saw one session, and refused none (it closes any second connection).
    expect(rtsp.clients).toMatchObject({ now: 1, max: 1, refused: 0 });
    expect(room.streamStats()).toEqual([expect.objectContaining({ name: 'cam/main', sessionsOpen: 1, sessionsOpened: 1 })]);
    // What another local user sees (ps run as nobody when the test runs as root): every process's
    // command line, the ffmpegs of all consumers included.
    const asOther = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const ps = execFileSync('ps', ['-eo', 'args'], { maxBuffer: 16 << 20, ...asOther }).toString();
    expect(ps).toMatch(/ffmpeg .*-i pipe:0 .*mpeg1video/);
    expect(ps).toMatch(/ffmpeg .*-i pipe:0 .*rawvideo/);
    expect(ps).not.toContain(password);
    expect(ps).not.toContain(`127.0.0.1:${port}/cam`);
    for (const v of viewers) v.ws.close();
  }, 90_000);

  it('a camera that drops comes back on the same session count: analysis and viewers resume', async () => {
    const v = viewer();
    await until(() => v.bytes > 10_000, 'viewer receiving', 30_000);
    rtsp.process.kill('SIGKILL');
    await rtsp.stop();
    await new Promise((r) => setTimeout(r, 1500));
    rtsp = await camera();
    const [frames, bytes] = [framesIn(), v.bytes];
    await until(() => framesIn() > frames + 2 && v.bytes > bytes + 20_000, 'analysis and live view after the camera returned', 30_000);
    expect(rtsp.clients).toMatchObject({ now: 1, max: 1, refused: 0 });
    v.ws.close();
  }, 90_000);
});
