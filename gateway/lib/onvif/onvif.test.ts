import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnvifSimulator } from '../../../scripts/onvif-sim/simulator.js';
import { connectOnvif, OnvifError } from './client.js';
import { OnvifSource } from './source.js';
import { createLogger } from '../../core/logger.js';
import { until } from '../../testing/context.js';

// Real peer: the project's ONVIF simulator over HTTP SOAP (WS-UsernameToken PasswordDigest).
const log = createLogger({ level: 'silent' });
const sims: OnvifSimulator[] = [];
async function sim(opts: Partial<ConstructorParameters<typeof OnvifSimulator>[0]> = {}): Promise<OnvifSimulator> {
  const s = new OnvifSimulator({
    mainStreamUri: 'rtsp://127.0.0.1:8554/main',
    subStreamUri: 'rtsp://127.0.0.1:8554/sub',
    username: 'admin',
    password: 'secret',
    maxPullWaitMs: 1000,
    ...opts,
  });
  await s.start();
  sims.push(s);
  return s;
}
const target = (s: OnvifSimulator, password = 'secret') => ({
  hostname: '127.0.0.1',
  port: s.port,
  path: '/onvif/device_service',
  username: 'admin',
  password,
  timeoutMs: 3000,
});

describe('ONVIF client against the simulator', () => {
  let good: OnvifSimulator;
  beforeAll(async () => {
    good = await sim({ clockOffsetS: 120, serial: 'SN-42' });
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()));
  });

  it('reads device information, profiles, stream and snapshot URIs and the camera clock', async () => {
    const cam = await connectOnvif(target(good));
    try {
      expect(cam.info).toEqual({ manufacturer: 'SharpEyes', model: 'SIM-CAM-1', serial: 'SN-42', firmware: '1.0.0' });
      expect(cam.profiles.map((p) => [p.token, p.encoding, p.width, p.height])).toEqual([
        ['main', 'H264', 1280, 720],
        ['sub', 'H264', 640, 360],
      ]);
      expect(await cam.streamUri('sub')).toBe('rtsp://127.0.0.1:8554/sub');
      expect(await cam.snapshotUri('main')).toBe(`http://127.0.0.1:${good.port}/snapshot.jpg`);
      const skew = (cam.clock.camera.getTime() - cam.clock.boxMs) / 1000;
      expect(skew).toBeGreaterThan(115);
      expect(skew).toBeLessThan(125);
    } finally {
      cam.close();
    }
  });

  it('refuses wrong credentials with a clear error', async () => {
    const err = await connectOnvif(target(good, 'wrong')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnvifError);
    expect((err as OnvifError).kind).toBe('unauthorized');
  });

  it.each([
    ['malformed', /malformed ONVIF reply/],
    ['garbage', /malformed ONVIF reply/],
    ['enormous', /larger than 1024 KB/],
    ['hang', /did not answer in time/],
  ] as const)('a camera whose replies are %s fails clearly while another camera connects fine', async (fault, message) => {
    const bad = await sim({ fault });
    const [badResult, goodResult] = await Promise.allSettled([connectOnvif(target(bad)), connectOnvif(target(good))]);
    expect(badResult.status).toBe('rejected');
    expect(String((badResult as PromiseRejectedResult).reason.message)).toMatch(message);
    expect(goodResult.status).toBe('fulfilled');
    if (goodResult.status === 'fulfilled') goodResult.value.close();
    expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 * 1024 * 1024);
  });

  it('never resolves external entities (XXE)', async () => {
    const bad = await sim({ fault: 'xxe' });
    const err: unknown = await connectOnvif(target(bad)).catch((e: unknown) => e);
    // Either refused as malformed or parsed with the entity left unresolved: /etc/passwd never shows up.
    expect(String(err instanceof Error ? err.message : JSON.stringify(err))).not.toMatch(/root:x:0:0/);
    expect(err).toBeInstanceOf(OnvifError);
  });

  it('an ONVIF source picks the sub stream for analysis, the main one for viewing, warns on skew and debounces motion', async () => {
    const events: { kind: string; data: Record<string, unknown> }[] = [];
    const source = new OnvifSource({
      cameraId: 'cam-onvif',
      onvif: { address: `127.0.0.1:${good.port}`, username: 'admin', events: true },
      password: 'secret',
      analysisWidth: 640,
      clockSkewWarnS: 5,
      motionHoldS: 1,
      log,
      onEvent: (kind, data) => events.push({ kind, data }),
    });
    source.start();
    try {
      expect(await source.analysisUrl()).toBe('rtsp://admin:secret@127.0.0.1:8554/sub');
      expect(await source.mainUrl()).toBe('rtsp://admin:secret@127.0.0.1:8554/main');
      expect(events.find((e) => e.kind === 'camera.clock_skew')?.data.skewS).toBeGreaterThan(100);
      await until(() => (good.calls.get('CreatePullPointSubscription') ?? 0) > 0, 'PullPoint subscription', 10_000);
      good.emitMotion(true);
      good.emitMotion(true); // repeated start: one event
      await until(() => events.some((e) => e.kind === 'camera.motion' && e.data.state === true), 'motion start', 10_000);
      // The simulated camera never sends "motion stopped": the hold time ends it.
      await until(() => events.some((e) => e.kind === 'camera.motion' && e.data.state === false), 'motion end after the hold time', 10_000);
      expect(events.filter((e) => e.kind === 'camera.motion').map((e) => e.data.state)).toEqual([true, false]);
      good.emitTamper(true);
      await until(() => events.some((e) => e.kind === 'camera.tamper'), 'tamper', 10_000);
    } finally {
      await source.stop();
    }
  });

  it('an ONVIF source with wrong credentials reports "unauthorized" to the ingest', async () => {
    const source = new OnvifSource({
      cameraId: 'x',
      onvif: { address: `http://127.0.0.1:${good.port}/onvif/device_service`, username: 'admin', events: false },
      password: 'nope',
      analysisWidth: 640,
      clockSkewWarnS: 5,
      motionHoldS: 1,
      log,
      onEvent: () => undefined,
    });
    const err = (await source.analysisUrl().catch((e: unknown) => e)) as { failure?: { reason: string } };
    expect(err.failure?.reason).toBe('unauthorized');
    await source.stop();
  });
});
