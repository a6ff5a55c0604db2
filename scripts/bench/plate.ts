/**
 * `npm run -s bench -- plate`: time from a decoded camera frame to plate reads (detection at
 * 640 then 960 only if needed, warp, batched recognition, grammar decode) on one core.
 * Frames: dataset scenes with one plate, letterboxed into 1280x720 and 1920x1080.
 * Last line: one JSON object with medians and percentiles.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { decodeImage, resizeRgb, type RgbImage } from '../../gateway/imaging/image.js';
import { InferenceWorker } from '../../gateway/inference/inference-worker.js';
import { PlateReader } from '../../gateway/plates/plate-reader.js';
import { percentile } from '../../gateway/core/percentile.js';

const SCENES = ['easypr__京A88731.jpg', 'easypr__川AEK882.jpg', 'easypr__沪ALB022.jpg', 'easypr__浙A12210.jpg', 'easypr__苏A0CP56.jpg'];
const DIR = resolve('../shared/datasets/plates/full');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

/** Letterboxes a scene into a black W x H frame (aspect kept), as a camera frame would be. */
async function toFrame(scene: RgbImage, W: number, H: number): Promise<RgbImage> {
  return resizeRgb(scene, W, H, 'contain');
}

/**
 * Wall time per frame, plus process CPU time (all threads) per frame: on a machine shared with
 * other work the wall time inflates, the CPU time much less.
 */
async function measure(
  reader: PlateReader,
  frames: { img: RgbImage; plate: string }[],
): Promise<{ ms: number[]; correct: number; total: number; cpuMs: number }> {
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  let correct = 0;
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const f of frames) {
      const t0 = performance.now();
      const reads = await reader.readScene(f.img);
      ms.push(performance.now() - t0);
      total++;
      if (reads.some((r) => r.plate === f.plate)) correct++;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { ms, correct, total, cpuMs: (cpu.user + cpu.system) / 1000 / total };
}

const available = SCENES.filter((s) => existsSync(resolve(DIR, s)));
if (available.length === 0) {
  process.stderr.write(`bench plate: no scenes in ${DIR} (needs ../shared/datasets/plates)\n`);
  process.exit(1);
}
const worker = new InferenceWorker('bench-plate');
const reader = new PlateReader({ worker });
await reader.load();
const scenes = await Promise.all(
  available.map(async (s) => ({ img: await decodeImage(resolve(DIR, s)), plate: s.replace(/^easypr__|\.jpg$/g, '') })),
);
const f720 = await Promise.all(scenes.map(async (s) => ({ img: await toFrame(s.img, 1280, 720), plate: s.plate })));
const f1080 = await Promise.all(scenes.map(async (s) => ({ img: await toFrame(s.img, 1920, 1080), plate: s.plate })));
await reader.readScene(f720[0]!.img); // warm-up (session initialisation)
const a = await measure(reader, f720);
const b = await measure(reader, f1080);
await worker.close();
const r1 = (v: number) => Math.round(v * 10) / 10;
const out = {
  frames: a.total + b.total,
  scenes: available.length,
  frame_to_plate_p50_ms: r1(percentile(a.ms, 50)),
  frame_to_plate_p95_ms: r1(percentile(a.ms, 95)),
  frame_to_plate_1080p_p50_ms: r1(percentile(b.ms, 50)),
  frame_to_plate_1080p_p95_ms: r1(percentile(b.ms, 95)),
  read_correct_720p: `${a.correct}/${a.total}`,
  read_correct_1080p: `${b.correct}/${b.total}`,
  cpu_ms_per_frame_720p: r1(a.cpuMs),
  cpu_ms_per_frame_1080p: r1(b.cpuMs),
  rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  load_avg_1m: r1(loadavg()[0] ?? 0),
  threads: 1,
};
process.stdout.write(
  `720p: p50 ${out.frame_to_plate_p50_ms} ms, p95 ${out.frame_to_plate_p95_ms} ms; 1080p: p50 ${out.frame_to_plate_1080p_p50_ms} ms, p95 ${out.frame_to_plate_1080p_p95_ms} ms\n`,
);
process.stdout.write(`${JSON.stringify(out)}\n`);
