// npm run -s bench -- ingest [--max N] [--window S]
// How many 1280x720 H.264 25 fps RTSP cameras this box ingests while every camera still delivers
// >= 5 analysed frames/s (640x360 rgb24, motion gate disabled so every frame counts, one
// subscriber per camera consuming frames). The stream is encoded as a camera encodes: high
// profile, 3 Mbit/s (capped), GOP of 2 s with B-frames, from a real scene (the dataset's
// intel_one-by-one-person-detection clip, scaled to 720p; a moving test pattern at the same
// settings when ../shared/datasets is absent). Streams are pre-encoded files served by
// GStreamer's RTSP server (cheap for the server). Last line: one JSON object.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '../../gateway/core/logger.js';
import { startRtspServer } from '../../gateway/lib/rtsp-server/rtsp-server.js';
import { FrameHub } from '../../gateway/lib/frames/hub.js';
import { CameraPipeline } from '../../gateway/rooms/cameras/ingest/camera-pipeline.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    max: { type: 'string', default: '16' },
    window: { type: 'string', default: '15' },
    steps: { type: 'string', default: '4,6,8,10,12,14,16' },
  },
});
const maxN = Number(values.max);
const windowS = Number(values.window);
const steps = values.steps
  .split(',')
  .map(Number)
  .filter((n) => n <= maxN);
const TARGET_FPS = 5;
const log = createLogger({ level: 'silent' });
const CLK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function procStat(pid: number): { cpuS: number; rssMb: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(f[11]) + Number(f[12])) / CLK;
    const rssMb = (Number(f[21]) * 4096) / 1048576;
    return { cpuS, rssMb };
  } catch {
    return undefined;
  }
}
function children(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)])
      .toString()
      .split('\n')
      .map((x) => Number(x.trim()))
      .filter(Boolean);
  } catch {
    return [];
  }
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Step {
  cameras: number;
  min_fps: number;
  median_fps: number;
  cpu_percent_per_camera: number;
  server_cpu_percent: number;
  drops_percent: number;
  rss_mb: number;
  ok: boolean;
}

async function runStep(n: number, clip: string): Promise<Step> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`/cam${i}`] = clip;
  const server = await startRtspServer({ files });
  const hub = new FrameHub();
  const pipes: CameraPipeline[] = [];
  const consumed = new Array<number>(n).fill(0);
  const subs = [];
  for (let i = 0; i < n; i++) {
    const id = `cam${i}`;
    const p = new CameraPipeline({
      cameraId: id,
      url: () => server.url(`/cam${i}`),
      analysis: { width: 640, height: 360, fps: TARGET_FPS, threads: 1 },
      motion: { enabled: false, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] },
      stallTimeoutS: 10,
      connectTimeoutS: 30,
      restartMinMs: 500,
      restartMaxMs: 2000,
      hub,
      log,
      onState: () => undefined,
    });
    pipes.push(p);
    const sub = hub.subscribe({ cameras: [id] });
    subs.push(sub);
    void (async () => {
      for await (const f of sub) {
        // a consumer that reads the frame (sums a few bytes) and yields
        consumed[i] = (consumed[i] ?? 0) + (f.data[0] ?? 0) * 0 + 1;
        await new Promise((r) => setImmediate(r));
      }
    })();
    p.start();
  }
  const t0 = Date.now();
  while (pipes.some((p) => p.counters().framesIn === 0) && Date.now() - t0 < 60_000) await sleep(250);
  await sleep(3000); // warm-up
  const ffPids = () => children(process.pid).filter((pid) => pid !== server.pid);
  const pidsA = ffPids();
  const cpuA = new Map(pidsA.map((pid) => [pid, procStat(pid)?.cpuS ?? 0]));
  const serverA = procStat(server.pid)?.cpuS ?? 0;
  const nodeA = process.cpuUsage();
  const framesA = pipes.map((p) => p.counters().analysed);
  const dropsA = pipes.map((p) => p.counters().dropped);
  const wA = Date.now();
  await sleep(windowS * 1000);
  const elapsedS = (Date.now() - wA) / 1000;
  const framesB = pipes.map((p) => p.counters().analysed);
  const dropsB = pipes.map((p) => p.counters().dropped);
  const nodeCpu = process.cpuUsage(nodeA);
  let ffCpu = 0;
  let rss = process.memoryUsage().rss / 1048576;
  for (const pid of ffPids()) {
    const st = procStat(pid);
    if (!st) continue;
    ffCpu += st.cpuS - (cpuA.get(pid) ?? st.cpuS);
    rss += st.rssMb;
  }
  const serverCpu = (procStat(server.pid)?.cpuS ?? serverA) - serverA;
  const fps = framesB.map((b, i) => (b - (framesA[i] ?? 0)) / elapsedS).sort((a, b) => a - b);
  const delivered = framesB.reduce((s, b, i) => s + b - (framesA[i] ?? 0), 0);
  const dropped = dropsB.reduce((s, b, i) => s + b - (dropsA[i] ?? 0), 0);
  for (const s of subs) s.close();
  await Promise.all(pipes.map((p) => p.stop()));
  await server.stop();
  const totalCpu = ffCpu + (nodeCpu.user + nodeCpu.system) / 1e6;
  const step: Step = {
    cameras: n,
    min_fps: round(fps[0] ?? 0),
    median_fps: round(fps[Math.floor(fps.length / 2)] ?? 0),
    cpu_percent_per_camera: round(((totalCpu / elapsedS) * 100) / n),
    server_cpu_percent: round((serverCpu / elapsedS) * 100),
    drops_percent: round(delivered ? (dropped / delivered) * 100 : 0),
    rss_mb: Math.round(rss),
    // 5 fps within the measurement's edge effects (a frame more or less in the window)
    ok: (fps[0] ?? 0) >= TARGET_FPS - 1 / windowS - 0.05,
  };
  process.stderr.write(`${JSON.stringify(step)}\n`);
  return step;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Camera killed, dead for 2 s, restarted on the same port: ms from its return to the next frame. */
async function resumeTrial(clip: string): Promise<number> {
  const net = await import('node:net');
  const port = await new Promise<number>((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  let server = await startRtspServer({ port, files: { '/cam': clip } });
  const p = new CameraPipeline({
    cameraId: 'resume',
    url: () => `rtsp://127.0.0.1:${port}/cam`,
    analysis: { width: 640, height: 360, fps: TARGET_FPS, threads: 1 },
    motion: { enabled: false, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] },
    stallTimeoutS: 10,
    connectTimeoutS: 20,
    restartMinMs: 500,
    restartMaxMs: 2000, // the shipped defaults
    hub: new FrameHub(),
    log,
    onState: () => undefined,
  });
  p.start();
  while (p.counters().framesIn === 0) await sleep(100);
  server.process.kill('SIGKILL');
  await server.stop();
  await sleep(2000);
  server = await startRtspServer({ port, files: { '/cam': clip } });
  const back = Date.now();
  const n = p.counters().framesIn;
  while (p.counters().framesIn === n && Date.now() - back < 30_000) await sleep(20);
  const ms = Date.now() - back;
  await p.stop();
  await server.stop();
  return ms;
}

/** A 90 s 1280x720 25 fps clip encoded like a camera (cached in the temp folder). */
function cameraLikeClip(): { path: string; source: string } {
  const scene = resolve('../shared/datasets/video/intel_one-by-one-person-detection.mp4');
  const real = existsSync(scene);
  if (!real) process.stderr.write(`${scene} is absent: using a moving test pattern encoded like a camera\n`);
  const dir = join(tmpdir(), 'sharpeyes-test-clips');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `camera-like-720p25-3M-${real ? 'scene' : 'pattern'}.mp4`);
  const input = real
    ? ['-stream_loop', '-1', '-i', scene, '-vf', 'scale=1280:720:flags=bicubic,fps=25']
    : ['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=25'];
  if (!existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp.mp4`;
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', ...input, '-t', '90', '-an'],
      ...['-c:v', 'libx264', '-profile:v', 'high', '-preset', 'fast', '-b:v', '3M', '-maxrate', '3M', '-bufsize', '6M'],
      ...['-g', '50', '-bf', '2', '-pix_fmt', 'yuv420p', tmp],
    ]);
    renameSync(tmp, out);
  }
  return {
    path: out,
    source: `1280x720 H.264 high profile 25 fps, 3 Mbit/s (capped), GOP 50 with 2 B-frames, ${real ? 'a real scene (intel_one-by-one-person-detection scaled to 720p)' : 'a moving test pattern'}; pre-encoded, GStreamer RTSP over TCP`,
  };
}

const { path: clip, source } = cameraLikeClip();
const load0 = loadavg()[0];
const results: Step[] = [];
for (const n of steps) {
  const r = await runStep(n, clip);
  results.push(r);
  if (!r.ok) break;
}
const resume: number[] = [];
for (let i = 0; i < 5; i++) resume.push(await resumeTrial(clip));
resume.sort((a, b) => a - b);
process.stderr.write(`resume after return (ms): ${resume.join(', ')}\n`);
const sustained = results.filter((r) => r.ok).at(-1);
const ref = sustained ?? results[0];
console.log(
  JSON.stringify({
    cameras_sustained: sustained?.cameras ?? 0,
    cpu_percent_per_camera: ref?.cpu_percent_per_camera,
    drops_percent: ref?.drops_percent,
    rss_mb: ref?.rss_mb,
    min_fps_at_sustained: ref?.min_fps,
    rtsp_server_cpu_percent: ref?.server_cpu_percent,
    source,
    analysis: '640x360 rgb24 at 5 fps, ffmpeg -threads 1, fps then scale filter',
    resume_after_return_ms_median: resume[2],
    resume_after_return_ms_max: resume[4],
    window_s: windowS,
    loadavg_1m_at_start: round(load0 ?? 0),
    steps: results,
  }),
);
