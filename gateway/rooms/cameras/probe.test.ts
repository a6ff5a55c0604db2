import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { probeTarget } from './probe.js';
import { startRtspServer, type RtspServer } from '../../lib/rtsp-server/rtsp-server.js';
import { OnvifSimulator } from '../../../scripts/onvif-sim/simulator.js';
import { h264Clip, mjpegClip, mjpegLaunch } from './testing/clips.js';
import { freePort, garbageServer } from './testing/peers.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe('sharpeyes probe against real peers', () => {
  let open: RtspServer;
  let authed: RtspServer;
  let sim: OnvifSimulator;
  let garbage: Awaited<ReturnType<typeof garbageServer>>;

  beforeAll(async () => {
    open = await startRtspServer({ files: { '/clip': h264Clip() }, launches: { '/mjpeg': mjpegLaunch(mjpegClip()) } });
    authed = await startRtspServer({ files: { '/clip': h264Clip() }, auth: 'admin:secret' });
    sim = new OnvifSimulator({ mainStreamUri: authed.url('/clip'), username: 'admin', password: 'secret' });
    await sim.start();
    garbage = await garbageServer();
  });
  afterAll(async () => {
    await Promise.allSettled([open?.stop(), authed?.stop(), sim?.stop(), garbage?.close()]);
  });

  it('reports streams and a decoded frame for a good RTSP URL (CLI, JSON, exit 0)', async () => {
    const { stdout } = await run(process.execPath, ['scripts/sharpeyes.mjs', 'probe', open.url('/clip'), '--json'], {
      cwd: ROOT,
      timeout: 60_000,
    });
    const r = JSON.parse(stdout);
    expect(r).toMatchObject({ kind: 'rtsp', ok: true });
    expect(r.stream.streams[0]).toMatchObject({ type: 'video', codec: 'h264', width: 320, height: 180 });
    expect(r.stream.frameBytes).toBeGreaterThan(100);
  });

  it('gives a readable reason and exit 1 when frames do not decode', async () => {
    const closed = await freePort();
    const refused = await run(process.execPath, ['scripts/sharpeyes.mjs', 'probe', `rtsp://127.0.0.1:${closed}/x`], {
      cwd: ROOT,
      timeout: 60_000,
    }).catch((e: { code: number; stdout: string }) => e);
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stdout: string }).stdout).toMatch(/frames decode: NO — refused: connection refused/);
    expect((await probeTarget(authed.url('/clip'), { username: 'admin', password: 'wrong', timeoutS: 5 })).reason).toBe('unauthorized');
    const mj = await probeTarget(open.url('/mjpeg'), { timeoutS: 5 });
    expect(mj).toMatchObject({ ok: false, reason: 'unsupported_codec' });
    expect(mj.message).toContain('mjpeg');
    expect(['invalid_data', 'timeout']).toContain((await probeTarget(`rtsp://127.0.0.1:${garbage.port}/x`, { timeoutS: 3 })).reason);
    expect((await probeTarget('http://', { timeoutS: 3 })).ok).toBe(false);
  });

  it('probes an ONVIF device: profiles with roles, then its analysis stream (with credentials)', async () => {
    const r = await probeTarget(`127.0.0.1:${sim.port}`, { username: 'admin', password: 'secret', timeoutS: 10 });
    expect(r.ok).toBe(true);
    expect(r.device?.model).toBe('SIM-CAM-1');
    expect(r.profiles?.map((p) => [p.token, p.role])).toEqual([
      ['main', 'main'],
      ['sub', 'analysis'],
    ]);
    const bad = await probeTarget(`127.0.0.1:${sim.port}`, { username: 'admin', password: 'wrong', timeoutS: 5 });
    expect(bad).toMatchObject({ ok: false, reason: 'unauthorized' });
  });
});
