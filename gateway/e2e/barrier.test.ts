import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Gateway } from './support.js';
import { startRtspServer, type RtspServer } from '../lib/rtsp-server/rtsp-server.js';
import { modelsPrepared } from '../lib/inference/models.js';
import { demoFixture, laneStill, type DemoFixture } from './demo-fixture.js';
import { DEMO_RESIDENT_PLATE } from '../rooms/demo/cast.js';

// The demo lane's frame with the resident's car at the barrier (`npm run demo-assets`): no ../shared needed.
const PLATE = DEMO_RESIDENT_PLATE;
const models = modelsPrepared(['text-detect-ppocrv4.onnx', 'text-recognise-ppocrv4.onnx']);
const fixture = models ? await demoFixture() : 'the plate models are missing (`npm run models`)';
const ready = typeof fixture !== 'string';
if (typeof fixture === 'string') console.warn(`barrier end-to-end test skipped: ${fixture}`);

/**
 * A resident's car at the barrier camera: RTSP stream → ffmpeg → plate read → known vehicle →
 * access decision → barrier opened on its (simulated) controller, all on the box; the platform
 * sees the decision and the gate's acknowledgement.
 */
describe.skipIf(!ready)('a known car at the barrier', () => {
  let camera: RtspServer;
  const gw = new Gateway(
    'barrier',
    [
      'cameras:',
      '  analysis: {width: 640, height: 360, fps: 2}',
      '  liveView: {enabled: false}',
      '  list:',
      '    - id: lane-1',
      '      rtsp: RTSP_URL',
      '      motion: {enabled: false}',
      'plates: {enabled: true}',
      'devices:',
      '  - {id: barrier-1, profile: barrier-bg300-framed, simulate: true}',
      'access:',
      '  points: [{camera: lane-1, gate: barrier-1, via: plate}]',
      '',
    ].join('\n'),
  );

  beforeAll(async () => {
    const clip = join(gw.dir, 'lane.mp4');
    const SCENE = laneStill(fixture as DemoFixture, join(gw.dir, 'lane.jpg'));
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-loop',
      '1',
      '-i',
      SCENE,
      '-t',
      '60',
      '-r',
      '5',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '5',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    camera = await startRtspServer({ files: { '/lane': clip } });
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(gw.daemon.configFile, readFileSync(gw.daemon.configFile, 'utf8').replace('RTSP_URL', camera.url('/lane')));
    await gw.start();
  }, 180_000);
  afterAll(async () => {
    await gw.stop();
    await camera?.stop();
  });

  it("lifts for a resident's car and tells the platform why", async () => {
    const added = await gw.request('vehicles/add', { plate: PLATE, ownerId: 'resident-42', kind: 'resident' });
    expect(added.status).toBe('ok');
    const decision = await gw.waitForEvent('access.decision', (d) => d.gateId === 'barrier-1', 150_000);
    expect(decision.data).toMatchObject({
      allow: true,
      reason: 'resident',
      subjectId: 'resident-42',
      label: PLATE,
      via: 'plate',
      cameraId: 'lane-1',
    });
    const plate = await gw.waitForEvent('plate.recognized', (d) => d.plate === PLATE);
    expect(plate.data).toMatchObject({ colour: 'blue', snapshotId: expect.any(String), cropId: expect.any(String) });
    // The platform fetches the pictures the events refer to.
    const { snapshotId, cropId } = plate.data as { snapshotId: string; cropId: string };
    const scene = await gw.request('snapshots/get', { id: snapshotId });
    const crop = await gw.request('snapshots/get', { id: cropId, crop: true });
    for (const r of [scene, crop])
      expect(Buffer.from((r.data as { base64: string }).base64, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(await gw.request('snapshots/get', { id: '../../etc/passwd' })).toMatchObject({ status: 'error', code: 'not_found' });
    await gw.waitForEvent('gate.command', (d) => d.deviceId === 'barrier-1' && d.origin === 'access' && d.ok === true, 30_000);
    // One passage, one decision: the car standing in the lane does not open the gate again and again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(gw.events('access.decision')).toHaveLength(1);
  }, 240_000);
});
