import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { CamerasRoom } from './room.js';
import { startRtspServer, type RtspServer } from '../../lib/rtsp-server/rtsp-server.js';
import { OnvifSimulator } from '../../../scripts/onvif-sim/simulator.js';
import { probeImage } from '../../lib/imaging/image.js';
import { act, startRoom, testContext, until } from '../../testing/context.js';
import { h264Clip } from './testing/clips.js';
import { freePort } from './testing/peers.js';
import { eventSchema } from '../../events.js';
import type { OutboxRow } from '../../store/outbox.js';
import type { Frame } from '../../lib/frames/frame.js';

// The whole room on real peers: GStreamer RTSP server, the ONVIF simulator, ffmpeg, SQLite.
describe('cameras room', () => {
  let rtsp: RtspServer;
  let sim: OnvifSimulator;
  let ctx: ReturnType<typeof testContext>;
  let room: CamerasRoom;
  let stopRoom: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    rtsp = await startRtspServer({ files: { '/main': h264Clip(), '/sub': h264Clip() }, auth: 'admin:secret' });
    sim = new OnvifSimulator({
      mainStreamUri: rtsp.url('/main'),
      subStreamUri: rtsp.url('/sub'),
      username: 'admin',
      password: 'secret',
      maxPullWaitMs: 1000,
    });
    await sim.start();
    const closed = await freePort();
    ctx = testContext({
      cameras: {
        stallTimeoutS: 5,
        restartMinMs: 300,
        restartMaxMs: 1000,
        analysis: { width: 320, height: 180, fps: 5 },
        snapshots: { maxMb: 0.02 },
        liveView: { maxRelays: 1, idleStopS: 0.5, width: 320, height: 180 },
        list: [
          { id: 'plain', rtsp: rtsp.url('/main'), username: 'admin', passwordFile: 'rtsp.pw', analysis: { width: 480, height: 270 } },
          { id: 'onvif', onvif: { address: `127.0.0.1:${sim.port}`, username: 'admin', passwordFile: 'onvif.pw' } },
          { id: 'broken', rtsp: `rtsp://127.0.0.1:${closed}/x` },
          { id: 'off', enabled: false, rtsp: 'rtsp://127.0.0.1:1/never' },
        ],
      },
    });
    writeFileSync(join(ctx.dataDir, 'rtsp.pw'), 'secret\n', { mode: 0o600 });
    writeFileSync(join(ctx.dataDir, 'onvif.pw'), 'secret\n', { mode: 0o600 });
    room = new CamerasRoom(ctx);
    stopRoom = await startRoom(ctx, room);
  });

  afterAll(async () => {
    await stopRoom?.();
    await sim?.stop();
    await rtsp?.stop();
    ctx?.dispose();
  });

  const events = (kind: string) => ctx.outbox.takeBatch(1000).filter((r: OutboxRow) => r.kind === kind);

  it('brings plain RTSP and ONVIF cameras online, records events in the outbox, and reports a broken one', async () => {
    expect(
      room
        .counters()
        .map((c) => c.cameraId)
        .sort(),
    ).toEqual(['broken', 'onvif', 'plain']);
    await until(() => events('camera.online').length >= 2 && events('camera.offline').length >= 1, 'online and offline events', 45_000);
    const online = events('camera.online')
      .map((r) => (r.data as { cameraId: string }).cameraId)
      .sort();
    expect(online).toEqual(['onvif', 'plain']);
    const offline = events('camera.offline').map((r) => r.data as { cameraId: string; reason: string });
    expect(offline).toEqual([expect.objectContaining({ cameraId: 'broken', reason: 'refused' })]);
    for (const r of [...events('camera.online'), ...events('camera.offline')])
      expect(eventSchema(r.kind)?.safeParse(r.data).success).toBe(true);
    const rows = ctx.db
      .prepare<{ camera_id: string; state: string }>('SELECT camera_id, state FROM camera_status ORDER BY camera_id')
      .all();
    expect(rows).toEqual([
      { camera_id: 'broken', state: 'offline' },
      { camera_id: 'onvif', state: 'online' },
      { camera_id: 'plain', state: 'online' },
    ]);
  });

  it("records the ONVIF camera's own motion and tamper events (debounced) in the outbox", async () => {
    await until(() => (sim.calls.get('CreatePullPointSubscription') ?? 0) > 0, 'PullPoint subscription', 30_000);
    sim.emitMotion(true);
    sim.emitTamper(true);
    sim.emitTamper(false);
    await until(() => events('camera.motion').length >= 1 && events('camera.tamper').length >= 2, 'motion and tamper events', 20_000);
    for (const r of [...events('camera.motion'), ...events('camera.tamper')]) {
      expect(eventSchema(r.kind)?.safeParse(r.data).success).toBe(true);
      expect((r.data as { cameraId: string }).cameraId).toBe('onvif');
    }
    expect(events('camera.tamper').map((r) => (r.data as { state: boolean }).state)).toEqual([true, false]);
  });

  it('hands gated frames to subscribers and counts them per camera', async () => {
    const sub = room.frames.subscribe({ cameras: ['onvif'] });
    const f = (await sub.next()).value as Frame;
    expect([f.cameraId, f.width, f.height, f.format]).toEqual(['onvif', 320, 180, 'rgb24']);
    sub.close();
    // A camera with its own analysis size (cameras.list[].analysis) is decoded at that size.
    const own = room.frames.subscribe({ cameras: ['plain'] });
    const p = (await own.next()).value as Frame;
    expect([p.cameraId, p.width, p.height]).toEqual(['plain', 480, 270]);
    own.close();
    const list = (await act(ctx, 'cameras/list', {})) as {
      cameraId: string;
      framesIn: number;
      state: string;
    }[];
    expect(list.find((c) => c.cameraId === 'plain')).toMatchObject({ state: 'online' });
    expect(list.find((c) => c.cameraId === 'plain')!.framesIn).toBeGreaterThan(0);
  });

  it('saves snapshots (scene and crop) by id and keeps no more than maxMb on disk, deleting the oldest', async () => {
    const saved: { id: string; path: string }[] = [];
    for (let i = 0; i < 5; i++)
      saved.push((await act(ctx, 'cameras/snapshot', { cameraId: 'plain', main: false })) as { id: string; path: string });
    const last = saved.at(-1)!;
    expect(readFileSync(last.path).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(room.snapshots.bytes).toBeLessThanOrEqual(0.02 * 1024 * 1024);
    const kept = saved.map((s) => existsSync(s.path));
    expect(kept[0]).toBe(false); // five 320x180 JPEGs do not fit in 20 KB: the oldest went
    expect(kept.indexOf(true)).toBeGreaterThan(0);
    expect(kept.slice(kept.indexOf(true)).every(Boolean)).toBe(true); // oldest first, the newest kept
    const sub = room.frames.subscribe({ cameras: ['plain'] });
    const f = (await sub.next()).value as Frame;
    const withCrop = await room.snapshots.save(f, { x: 10, y: 10, width: 50, height: 40 });
    sub.close();
    expect(readFileSync(withCrop.cropPath!).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(room.snapshots.pathOf(withCrop.id, true)).toBe(withCrop.cropPath);
    const got = (await act(ctx, 'snapshots/get', { id: withCrop.id, crop: true })) as {
      base64: string;
      contentType: string;
    };
    expect(got.contentType).toBe('image/jpeg');
    expect(Buffer.from(got.base64, 'base64')).toEqual(readFileSync(withCrop.cropPath!));
    await expect(act(ctx, 'snapshots/get', { id: saved[0]!.id, crop: false })).rejects.toThrow(/no snapshot/); // deleted by retention
    // full resolution: the ONVIF camera's own snapshot URI, and one frame of the plain camera's main stream
    const onvifMain = (await act(ctx, 'cameras/snapshot', { cameraId: 'onvif', main: true })) as { path: string };
    // The camera's own picture (the simulator's 1x1 JPEG behind HTTP Digest), not the fallback frame.
    expect(await probeImage(readFileSync(onvifMain.path))).toMatchObject({ width: 1, height: 1, format: 'jpeg' });
    const plainMain = (await act(ctx, 'cameras/snapshot', { cameraId: 'plain', main: true })) as { path: string };
    expect(readFileSync(plainMain.path).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    await expect(act(ctx, 'cameras/snapshot', { cameraId: 'nope', main: false })).rejects.toThrow(/no camera nope/);
  });

  it('relays live view as MPEG-TS over a websocket handed over by its server, caps relays and stops when the last viewer leaves', async () => {
    // The console authenticates viewers and hands the upgrade over; here a bare server does.
    const live = room.liveView()!;
    const server = createServer();
    server.on('upgrade', (req, socket, head) => void live.accept(/^\/live\/(.+)$/.exec(req.url ?? '')?.[1] ?? '', req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/live/plain`);
    const first = await new Promise<Buffer>((resolve, reject) => {
      ws.once('message', (d) => resolve(d as Buffer));
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no live data in 30 s')), 30_000);
    });
    expect(first[0]).toBe(0x47); // MPEG-TS sync byte
    // What JSMpeg plays: MPEG-1 video in MPEG-TS. Collect some and let ffprobe (an independent reader) say.
    const chunks: Buffer[] = [first];
    let size = first.length;
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        chunks.push(d);
        size += d.length;
        if (size > 150_000) {
          ws.off('message', onData);
          resolve();
        }
      };
      ws.on('message', onData);
      setTimeout(resolve, 15_000);
    });
    const ts = join(ctx.dataDir, 'live.ts');
    writeFileSync(ts, Buffer.concat(chunks));
    const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', ts]).toString()) as {
      streams: { codec_name: string; width: number; height: number }[];
    };
    expect(probe.streams[0]).toMatchObject({ codec_name: 'mpeg1video', width: 320, height: 180 });
    const refused = await new Promise<number>((resolve) => {
      const other = new WebSocket(`ws://127.0.0.1:${port}/live/onvif`);
      other.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      other.on('error', () => undefined);
    });
    expect(refused).toBe(503);
    const unknown = await new Promise<number>((resolve) => {
      const other = new WebSocket(`ws://127.0.0.1:${port}/live/nope`);
      other.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      other.on('error', () => undefined);
    });
    expect(unknown).toBe(404);
    ws.close();
    // After idleStopS the relay stops and another camera may be viewed.
    await until(() => room.liveViewRelays() === 0, 'relay stopped', 10_000);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
