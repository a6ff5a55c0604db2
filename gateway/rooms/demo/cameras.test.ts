import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { x264Args } from '../../../scripts/demo-assets/render.js';
import { checkDemoAssets, MANIFEST_VERSION, sha256File } from './assets.js';
import { startDemoCameras } from './cameras.js';

const run = promisify(execFile);

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

/** Presentation times (s) of the frames ffprobe reads from `url` in its first `seconds`. */
async function frameTimes(url: string, seconds: number): Promise<number[]> {
  const { stdout } = await run(
    'ffprobe',
    [
      ...['-v', 'error', '-rtsp_transport', 'tcp', '-i', url, '-select_streams', 'v'],
      ...['-show_entries', 'frame=pts_time', '-read_intervals', `%+${seconds}`, '-of', 'csv=p=0'],
    ],
    { timeout: 60_000 },
  );
  return stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter(Number.isFinite);
}

/** A demo folder with 1 s scenes encoded the way `npm run demo-assets` encodes them. */
function tinyDemo(dir: string): void {
  mkdirSync(join(dir, 'scenes'), { recursive: true });
  mkdirSync(join(dir, 'photos'));
  for (const name of ['door', 'lane']) {
    const scene = { name, width: 160, height: 96, fps: 10, durationS: 1, actors: [] };
    const input = ['-f', 'lavfi', '-i', 'testsrc2=size=160x96:rate=10', '-t', '1'];
    execFileSync('ffmpeg', x264Args(scene, join(dir, 'scenes', `${name}.h264`), input));
  }
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=gray:s=64x64', '-frames:v', '1', join(dir, 'photos', 'enrol.jpg')]);
  const file = (rel: string) => ({ file: rel, sha256: sha256File(join(dir, rel)) });
  const manifest = {
    generatedBy: 'test',
    version: MANIFEST_VERSION,
    recipe: 'test',
    scenes: { door: { ...file('scenes/door.h264'), fps: 10, durationS: 1 }, lane: { ...file('scenes/lane.h264'), fps: 10, durationS: 1 } },
    resident: { id: 'r', name: 'R', plate: '粤B3K7M9', photos: [file('photos/enrol.jpg')] },
    unknownPlate: '粤B7Q2H5',
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

describe('demo cameras', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'demo-cams-'));
    tinyDemo(join(dir, 'ok'));
    mkdirSync(join(dir, 'none'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('play the assembled scenes in a loop, in real time and without a break at the seam', async () => {
    const { log } = capture();
    const demo = await startDemoCameras({ width: 160, height: 96, log, dir: join(dir, 'ok') });
    try {
      expect(demo.scenes).toBe(true);
      expect(demo.cameras.map((c) => c.id)).toEqual(['demo-door', 'demo-lane']);
      const t0 = Date.now();
      const times = await frameTimes(demo.cameras[0]!.url, 2.5);
      const wall = (Date.now() - t0) / 1000;
      // A 1 s clip read for 2.5 s: it looped at least once, 10 frames a second, times always rising.
      expect(times.length).toBeGreaterThanOrEqual(20);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeCloseTo(0.1, 2);
      expect(wall).toBeGreaterThanOrEqual(1.8); // paced by the clock, not pushed as fast as possible
    } finally {
      await demo.server.stop();
    }
  });

  it('show a test pattern and say how to assemble the scenes when they are missing or damaged', async () => {
    expect(checkDemoAssets(join(dir, 'none'))).toMatchObject({ ok: false, reason: expect.stringContaining('manifest.json') });
    writeFileSync(join(dir, 'ok', 'scenes', 'lane.h264'), 'truncated');
    expect(checkDemoAssets(join(dir, 'ok'))).toMatchObject({ ok: false, reason: expect.stringContaining('damaged') });
    const { lines, log } = capture();
    const demo = await startDemoCameras({ width: 160, height: 96, log, dir: join(dir, 'ok') });
    try {
      expect(demo.scenes).toBe(false);
      expect(new Set(demo.cameras.map((c) => c.url)).size).toBe(1); // one pattern, shared
      expect(lines.find((l) => l.level === 'warn')?.msg).toMatch(/test pattern.*npm run demo-assets/);
      expect((await frameTimes(demo.cameras[1]!.url, 1)).length).toBeGreaterThan(3);
    } finally {
      await demo.server.stop();
    }
  });
});
