import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { CamerasRoom } from './room.js';
import { startRtspServer, type RtspServer } from '../../lib/rtsp-server/rtsp-server.js';
import { act, startRoom, testContext, until } from '../../testing/context.js';
import { h264Clip } from './testing/clips.js';

/**
 * Full-resolution snapshots (`cameras/snapshot main: true`) of one camera requested at the same
 * time start one ffmpeg between them, not one each. ffmpeg is run through a wrapper
 * (FFMPEG_PATH, read by fluent-ffmpeg at its first spawn in this process) that logs each start.
 */
describe('cameras/snapshot main: true, many at once', () => {
  let rtsp: RtspServer;
  let ctx: ReturnType<typeof testContext>;
  let stopRoom: (() => Promise<void>) | undefined;
  let spawnLog: string;

  beforeAll(async () => {
    rtsp = await startRtspServer({ files: { '/main': h264Clip() } });
    ctx = testContext({
      cameras: {
        analysis: { width: 320, height: 180, fps: 2 },
        liveView: { enabled: false },
        list: [
          { id: 'cam-a', rtsp: rtsp.url('/main'), motion: { enabled: false } },
          { id: 'cam-b', rtsp: rtsp.url('/main'), motion: { enabled: false } },
        ],
      },
    });
    spawnLog = join(ctx.dataDir, 'ffmpeg-starts.log');
    const wrapper = join(ctx.dataDir, 'ffmpeg');
    const real = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${spawnLog}'\nexec '${real}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    writeFileSync(spawnLog, '');
    process.env.FFMPEG_PATH = wrapper;
    stopRoom = await startRoom(ctx, new CamerasRoom(ctx));
    await until(
      () =>
        ctx.logs.filter((l) => l.msg === 'camera online').length === 2 ||
        ctx.outbox.takeBatch(100).filter((r) => r.kind === 'camera.online').length === 2,
      'both cameras online',
      60_000,
    );
  });
  afterAll(async () => {
    await stopRoom?.();
    await rtsp?.stop();
    ctx?.dispose();
    delete process.env.FFMPEG_PATH;
  });

  const grabs = () =>
    readFileSync(spawnLog, 'utf8')
      .split('\n')
      .filter((l) => l.includes('-frames:v 1'));

  it('6 requests for one camera and 3 for another start 2 ffmpeg; all get a snapshot of their camera', async () => {
    const before = grabs().length;
    const ask = (cameraId: string) => act(ctx, 'cameras/snapshot', { cameraId, main: true }) as Promise<{ id: string; cameraId?: string }>;
    const answers = await Promise.all([...Array.from({ length: 6 }, () => ask('cam-a')), ...Array.from({ length: 3 }, () => ask('cam-b'))]);
    expect(grabs().length - before).toBe(2);
    const a = new Set(answers.slice(0, 6).map((r) => r.id));
    const b = new Set(answers.slice(6).map((r) => r.id));
    expect([a.size, b.size]).toEqual([1, 1]);
    expect([...a][0]).toContain('cam-a');
    expect([...b][0]).toContain('cam-b');
    // The next request after those finished takes a fresh picture.
    const later = await ask('cam-a');
    expect(later.id).not.toBe([...a][0]);
    expect(grabs().length - before).toBe(3);
  });
});
