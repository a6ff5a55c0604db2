import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/logger.js';
import { startRtspServer, type RtspServer } from '../../../lib/rtsp-server/rtsp-server.js';
import { FrameHub } from '../../../lib/frames/hub.js';
import { CameraPipeline } from './camera-pipeline.js';
import type { Failure } from '../../../lib/ffmpeg/errors.js';
import { freePort, garbageServer, httpServer } from '../testing/peers.js';
import { until } from '../../../testing/context.js';
import { h264Clip, mjpegClip, mjpegLaunch } from '../testing/clips.js';

// Real peers: GStreamer's RTSP server (gateway/lib/rtsp-server/rtsp-test-server.py), real ffmpeg.
const log = createLogger({ level: 'silent' });
const motion = { enabled: true, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] };

interface Cam {
  pipeline: CameraPipeline;
  states: { state: string; failure: Failure | null; at: number }[];
}

const pipelines: CameraPipeline[] = [];
function camera(id: string, url: string, hub = new FrameHub(), stallTimeoutS = 4): Cam {
  const states: Cam['states'] = [];
  const pipeline = new CameraPipeline({
    cameraId: id,
    url: () => url,
    analysis: { width: 320, height: 180, fps: 5, threads: 1 },
    motion,
    stallTimeoutS,
    connectTimeoutS: 20,
    restartMinMs: 300,
    restartMaxMs: 1000,
    hub,
    log,
    onState: (_id, state, failure) => states.push({ state, failure, at: Date.now() }),
  });
  pipelines.push(pipeline);
  pipeline.start();
  return { pipeline, states };
}
const frames = (c: Cam) => c.pipeline.counters().framesIn;
const lastOffline = (c: Cam) => [...c.states].reverse().find((s) => s.state === 'offline')?.failure;

describe('camera ingest against a real RTSP server', () => {
  let good: RtspServer;
  let faulty: RtspServer;
  let goodCam: Cam;
  const closers: (() => Promise<void>)[] = [];

  let clip: string;
  beforeAll(async () => {
    clip = h264Clip();
    good = await startRtspServer({ files: { '/good': clip } });
    faulty = await startRtspServer({ files: { '/pattern': clip }, launches: { '/mjpeg': mjpegLaunch(mjpegClip()) } });
    goodCam = camera('good', good.url('/good'));
    await until(() => frames(goodCam) > 0, 'first frame of the good camera', 30_000);
  });

  afterAll(async () => {
    await Promise.allSettled(pipelines.map((p) => p.stop()));
    await Promise.allSettled([good?.stop(), faulty?.stop(), ...closers.map((c) => c())]);
  });

  it('delivers frames of the analysis size and gates a moving pattern through', async () => {
    const hub = new FrameHub();
    const sub = hub.subscribe({ cameras: ['moving'] });
    const cam = camera('moving', faulty.url('/pattern'), hub);
    const f = (await sub.next()).value!;
    expect([f.width, f.height, f.format, f.data.length]).toEqual([320, 180, 'rgb24', 320 * 180 * 3]);
    expect(f.motionRoi).not.toBeNull();
    sub.close();
    await cam.pipeline.stop();
    const c = cam.pipeline.counters();
    expect(c.analysed).toBe(c.framesIn);
    expect(c.passed).toBeGreaterThan(0);
    expect(cam.states[0]?.state).toBe('online');
  });

  it('reports clear reasons for bad peers while the good camera keeps delivering', async () => {
    const garbage = await garbageServer();
    const http = await httpServer();
    closers.push(garbage.close, http.close);
    const closed = await freePort();
    const before = frames(goodCam);
    const bad = {
      refused: camera('refused', `rtsp://127.0.0.1:${closed}/x`),
      garbage: camera('garbage', `rtsp://127.0.0.1:${garbage.port}/x`),
      http: camera('http', `rtsp://127.0.0.1:${http.port}/x`),
      notFound: camera('notfound', faulty.url('/nothing-here')),
      mjpeg: camera('mjpeg', faulty.url('/mjpeg')),
    };
    await until(() => Object.values(bad).every((c) => lastOffline(c) !== undefined), 'every bad camera to be reported offline', 45_000);
    expect(lastOffline(bad.refused)?.reason).toBe('refused');
    expect(['invalid_data', 'timeout']).toContain(lastOffline(bad.garbage)?.reason);
    expect(['invalid_data', 'not_found']).toContain(lastOffline(bad.http)?.reason);
    expect(lastOffline(bad.notFound)?.reason).toBe('not_found');
    expect(lastOffline(bad.mjpeg)).toMatchObject({ reason: 'unsupported_codec', message: expect.stringContaining('mjpeg') });
    for (const c of Object.values(bad)) {
      expect(c.states.filter((s) => s.state === 'offline')).toHaveLength(1); // reported once, not at every retry
      expect(frames(c)).toBe(0);
    }
    // The bad peers fail within milliseconds (the RTSP client needs no process): give the good one a frame's time.
    await until(() => frames(goodCam) > before, 'the good camera still delivering', 10_000);
    expect(goodCam.pipeline.counters().state).toBe('online');
    await Promise.all(Object.values(bad).map((c) => c.pipeline.stop()));
  });

  it('refuses wrong credentials with "unauthorized" and accepts the right ones', async () => {
    const authed = await startRtspServer({ files: { '/s': clip }, auth: 'admin:secret' });
    closers.push(() => authed.stop());
    const wrong = camera('wrong', authed.url('/s').replace('rtsp://', 'rtsp://admin:nope@'));
    const right = camera('right', authed.url('/s').replace('rtsp://', 'rtsp://admin:secret@'));
    await until(() => lastOffline(wrong) !== undefined && frames(right) > 0, 'wrong refused and right accepted', 40_000);
    expect(lastOffline(wrong)?.reason).toBe('unauthorized');
    await Promise.all([wrong.pipeline.stop(), right.pipeline.stop()]);
  });

  it('a frozen camera (SIGSTOP) goes offline as stalled and comes back after SIGCONT', async () => {
    const frozen = await startRtspServer({ files: { '/f': clip } });
    closers.push(() => frozen.stop());
    const cam = camera('frozen', frozen.url('/f'), new FrameHub(), 3);
    await until(() => frames(cam) > 0, 'first frame', 30_000);
    const goodBefore = frames(goodCam);
    frozen.signal('SIGSTOP');
    await until(() => lastOffline(cam) !== undefined, 'offline after the freeze', 20_000);
    expect(lastOffline(cam)?.reason).toBe('stalled');
    frozen.signal('SIGCONT');
    const n = frames(cam);
    await until(() => frames(cam) > n && cam.states.at(-1)?.state === 'online', 'frames again after SIGCONT', 30_000);
    expect(frames(goodCam)).toBeGreaterThan(goodBefore);
    await cam.pipeline.stop();
  });

  it('a camera killed and restarted on the same port resumes by itself', async () => {
    const port = await freePort();
    let srv = await startRtspServer({ port, files: { '/k': clip } });
    const cam = camera('killed', srv.url('/k'));
    await until(() => frames(cam) > 0, 'first frame', 30_000);
    srv.process.kill('SIGKILL');
    await srv.stop();
    await until(() => lastOffline(cam) !== undefined, 'offline after the kill', 20_000);
    expect(['exited', 'refused', 'invalid_data']).toContain(lastOffline(cam)?.reason);
    await new Promise((r) => setTimeout(r, 1500)); // stays dead for a while (several retries)
    srv = await startRtspServer({ port, files: { '/k': clip } });
    closers.push(() => srv.stop());
    const back = Date.now();
    const n = frames(cam);
    await until(() => frames(cam) > n, 'frames after the camera returned', 30_000);
    // The target is 5 s; measured here, asserted loosely (2 cores shared with other suites).
    console.info(`frames resumed ${Date.now() - back} ms after the camera returned`);
    expect(cam.states.at(-1)?.state).toBe('online');
    await cam.pipeline.stop();
  });
});
