import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { until } from '../../testing/context.js';
import { startRtspServer, type RtspServer } from '../rtsp-server/rtsp-server.js';
import { SharedStream, type AccessUnit } from './shared-stream.js';

// A real camera (GStreamer, one connection at most, Digest): the stream's life from the first
// consumer to the last, the GOP handed to late joiners, the linger, an unauthorised camera.
describe('shared stream against a camera that allows one session', () => {
  let cam: RtspServer;
  const stream = (password: string, lingerMs = 600) =>
    new SharedStream({
      name: 'cam/main',
      url: () => cam.url('/cam').replace('rtsp://', `rtsp://admin:${password}@`),
      timeoutS: 5,
      stallTimeoutS: 5,
      lingerMs,
      restartMinMs: 200,
      restartMaxMs: 1000,
      log: createLogger({ level: 'silent' }),
    });

  beforeAll(async () => {
    cam = await startRtspServer({ patterns: { '/cam': '320x180@10' }, auth: 'admin:s3cret', authMethod: 'digest', maxClients: 1 });
  });
  afterAll(async () => {
    await cam?.stop();
  });

  it('opens with the first consumer, hands late joiners the GOP from its keyframe, lingers, then closes', async () => {
    const s = stream('s3cret');
    expect(cam.clients.now).toBe(0);
    const a: AccessUnit[] = [];
    const subA = s.subscribe({ onUnit: (au) => a.push(au) });
    await until(() => a.length > 3 && s.cachedGop().length > 1, 'pictures for the first consumer', 20_000);
    expect(a[0]?.keyframe).toBe(true);
    expect(cam.clients.now).toBe(1);
    // A late joiner starts on the cached keyframe at once (no wait for the next one).
    const b: AccessUnit[] = [];
    const joined = Date.now();
    const subB = s.subscribe({ onUnit: (au) => b.push(au) });
    await until(() => b.length > 0, 'the cached GOP', 2000, 5);
    expect(Date.now() - joined).toBeLessThan(100);
    expect(b[0]?.keyframe).toBe(true);
    expect(b[0]?.data.subarray(0, 4)).toEqual(Buffer.from([0, 0, 0, 1])); // Annex B
    subA.close();
    subB.close();
    // Back within the linger: the same session.
    const c: AccessUnit[] = [];
    const subC = s.subscribe({ onUnit: (au) => c.push(au) });
    await until(() => c.length > 2, 'pictures within the linger', 5000);
    expect(s.stats()).toMatchObject({ sessionsOpened: 1, sessionsOpen: 1, consumers: 1 });
    subC.close();
    await until(() => cam.clients.now === 0, 'the session closed after the linger', 5000);
    expect(s.stats()).toMatchObject({ state: 'idle', sessionsOpen: 0, consumers: 0, gopUnits: 0 });
    // The next consumer opens a new one; the camera never saw two at once.
    const d: AccessUnit[] = [];
    const subD = s.subscribe({ onUnit: (au) => d.push(au) });
    await until(() => d.length > 0, 'pictures after reopening', 20_000);
    subD.close();
    await s.stop();
    expect(s.stats().sessionsOpened).toBe(2);
    expect(cam.clients).toMatchObject({ max: 1, refused: 0 });
  }, 60_000);

  it('tells consumers why when the camera refuses the password, and keeps retrying for them', async () => {
    const s = stream('wrong');
    const reasons: string[] = [];
    const sub = s.subscribe({ onUnit: () => undefined, onDown: (f) => reasons.push(f.reason) });
    await until(() => reasons.filter((r) => r === 'unauthorized').length >= 2, 'two refused attempts', 20_000);
    // An attempt right after the last one may find the camera still counting the previous
    // connection: it closes the new one (the one-session limit), which reads as refused.
    for (const r of reasons) expect(['unauthorized', 'refused']).toContain(r);
    sub.close();
    await s.stop();
  }, 30_000);
});
