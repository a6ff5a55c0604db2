import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '../../../core/logger.js';
import { startRtspServer, type RtspServer } from '../../../lib/rtsp-server/rtsp-server.js';
import { FrameHub } from '../../../lib/frames/hub.js';
import { CameraPipeline } from './camera-pipeline.js';
import type { Frame } from '../../../lib/frames/frame.js';

// Real labelled clips from ../shared/datasets/video, served over RTSP like a camera.
const VIDEO = resolve(import.meta.dirname, '../../../../../shared/datasets/video');
const clips = ['intel_car-detection.mp4', 'fr_short_hamilton_clip.mp4'].map((f) => resolve(VIDEO, f));
const present = clips.every((c) => existsSync(c));
if (!present) console.warn(`skipping dataset clip tests: ${VIDEO} is absent`);

describe.skipIf(!present)('real clips through RTSP, ffmpeg and the motion gate', () => {
  let server: RtspServer | undefined;
  const pipes: CameraPipeline[] = [];
  afterAll(async () => {
    await Promise.allSettled(pipes.map((p) => p.stop()));
    await server?.stop();
  });

  it('decodes both clips at the analysis size and lets moving scenes through the gate', async () => {
    server = await startRtspServer({ files: { '/cars': clips[0]!, '/face': clips[1]! } });
    const hub = new FrameHub();
    const log = createLogger({ level: 'silent' });
    for (const id of ['cars', 'face']) {
      const p = new CameraPipeline({
        cameraId: id,
        url: () => server!.url(`/${id}`),
        analysis: { width: 640, height: 360, fps: 5, threads: 1 },
        motion: { enabled: true, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] },
        stallTimeoutS: 10,
        connectTimeoutS: 30,
        restartMinMs: 500,
        restartMaxMs: 2000,
        hub,
        log,
        onState: () => undefined,
      });
      pipes.push(p);
      p.start();
    }
    const sub = hub.subscribe();
    const seen = new Map<string, Frame>();
    const deadline = Date.now() + 60_000;
    while (seen.size < 2 && Date.now() < deadline) {
      const f = (await sub.next()).value as Frame;
      if (!seen.has(f.cameraId)) seen.set(f.cameraId, { ...f, data: Buffer.from(f.data) });
    }
    sub.close();
    expect([...seen.keys()].sort()).toEqual(['cars', 'face']);
    for (const f of seen.values()) {
      expect([f.width, f.height, f.data.length]).toEqual([640, 360, 640 * 360 * 3]);
      expect(f.motionRoi!.width).toBeGreaterThan(0);
      // a real picture, not a blank frame
      let min = 255,
        max = 0;
      for (let i = 0; i < f.data.length; i += 97) {
        min = Math.min(min, f.data[i]!);
        max = Math.max(max, f.data[i]!);
      }
      expect(max - min).toBeGreaterThan(50);
    }
  });
});
