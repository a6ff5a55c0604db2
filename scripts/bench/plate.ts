/**
 * `npm run -s bench -- plate`: time from a decoded camera frame to plate reads on one core, with
 * the reader the daemon builds from its default `plates` config (reader-options.ts: detection at
 * 640, then 960 and 1280 only if needed, warp, batched recognition, grammar decode).
 * Frames: every scene of ../shared/datasets/plates (111 distinct photos: parking lots, streets,
 * night, two-row yellow and green plates) letterboxed into 1280x720 and 1920x1080 camera frames;
 * where the dataset is absent, synthetic scenes drawn by the project's renderer
 * (gateway/rooms/plates/testing/synthetic-plate.ts: plates of every colour, sizes, tilts, positions).
 * (BENCH_PLATE_SOURCE=synthetic forces them.) BENCH_ROUNDS (default 2) passes over the frames.
 * BENCH_PLATE_REFINE=0 turns the crop-first windows off (whole-frame passes only), for comparison.
 * Last line: one JSON object.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { decodeImage, resizeRgb, type RgbImage } from '../../gateway/lib/imaging/image.js';
import { InferenceWorker } from '../../gateway/lib/inference/inference-worker.js';
import { PlateReader } from '../../gateway/rooms/plates/plate-reader.js';
import { readerOptions } from '../../gateway/rooms/plates/reader-options.js';
import { loadPlateDataset } from '../../gateway/rooms/plates/dataset.js';
import { parseConfig } from '../../gateway/config/load.js';
import { percentile } from '../../gateway/core/percentile.js';
import { sceneSvg, type SyntheticColour } from '../../gateway/rooms/plates/testing/synthetic-plate.js';

const DIR = resolve('../shared/datasets/plates');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** A scene is decoded when its turn comes (outside the timed part), so 111 frames do not sit in memory. */
interface Scene {
  load: () => Promise<RgbImage>;
  plate: string;
}

async function datasetScenes(): Promise<Scene[]> {
  if (!existsSync(resolve(DIR, 'full'))) return [];
  const rows = loadPlateDataset(DIR).filter((r) => r.kind === 'scene');
  return rows.map((r) => ({ load: () => decodeImage(r.path, { lenient: true }), plate: r.plate }));
}

/** Synthetic scenes: 48 plates of every colour and length (some yellow ones two-row), at varied sizes, tilts and places. */
async function syntheticScenes(): Promise<Scene[]> {
  const plates: [string, SyntheticColour][] = [
    ['粤B12345', 'blue'],
    ['湘A0D886', 'blue'],
    ['皖AD12345', 'green'],
    ['京AF09876', 'green'],
    ['鲁Q1234学', 'yellow'],
    ['苏E55522', 'yellow'],
    ['浙A88731', 'blue'],
    ['川AEK882', 'blue'],
  ];
  const out: Scene[] = [];
  for (let i = 0; i < 48; i++) {
    const [plate, colour] = plates[i % plates.length] as [string, SyntheticColour];
    const plateWidth = 120 + ((i * 37) % 200);
    const twoRow = i % 3 === 1 && colour === 'yellow'; // trucks' two-row plates
    const svg = sceneSvg(plate, colour, {
      width: 1280,
      height: 720,
      x: 200 + ((i * 131) % 760),
      y: 250 + ((i * 71) % 380),
      plateWidth,
      angleDeg: ((i * 7) % 21) - 10,
      twoRow,
    });
    out.push({ load: () => decodeImage(Buffer.from(svg)), plate });
  }
  return out;
}

/**
 * Wall time per frame, plus process CPU time (all threads) per frame: on a machine shared with
 * other work the wall time inflates, the CPU time much less.
 */
async function measure(
  reader: PlateReader,
  scenes: Scene[],
  width: number,
  height: number,
): Promise<{ ms: number[]; cpu: number[]; top1: number; any: number; total: number; cpuMs: number }> {
  const ms: number[] = [];
  const cpuPerFrame: number[] = [];
  let cpuUs = 0;
  let top1 = 0;
  let any = 0;
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const f of scenes) {
      const img = await resizeRgb(await f.load(), width, height, 'contain');
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const reads = await reader.readScene(img);
      ms.push(performance.now() - t0);
      const cpu = process.cpuUsage(cpu0);
      cpuUs += cpu.user + cpu.system;
      cpuPerFrame.push((cpu.user + cpu.system) / 1000);
      total++;
      if (reads[0]?.plate === f.plate) top1++;
      if (reads.some((r) => r.plate === f.plate)) any++;
    }
  }
  return { ms, cpu: cpuPerFrame, top1, any, total, cpuMs: cpuUs / 1000 / total };
}

let scenes = process.env.BENCH_PLATE_SOURCE === 'synthetic' ? [] : await datasetScenes();
const source = scenes.length ? 'dataset scenes (../shared/datasets/plates/full)' : 'synthetic scenes (renderer)';
if (!scenes.length) scenes = await syntheticScenes();
log(`bench plate: ${scenes.length} ${source}, ${ROUNDS} rounds at 720p and 1080p...`);
const cfg = parseConfig('', { source: 'bench', baseDir: process.cwd(), env: process.env }).config.plates;
const worker = new InferenceWorker('bench-plate');
// BENCH_PLATE_REFINE=0: whole-frame passes only (the reader before the crop-first windows), for comparison.
const reader = new PlateReader({
  worker,
  options: { ...readerOptions(cfg), ...(process.env.BENCH_PLATE_REFINE === '0' ? { refineWindows: 0 } : {}) },
});
await reader.load();
await reader.readScene(await resizeRgb(await scenes[0]!.load(), 1280, 720, 'contain')); // warm-up (session initialisation)
const a = await measure(reader, scenes, 1280, 720);
const b = await measure(reader, scenes, 1920, 1080);
await worker.close();
const r1 = (v: number) => Math.round(v * 10) / 10;
const out = {
  frames: a.total + b.total,
  scenes: scenes.length,
  source,
  frame_to_plate_p50_ms: r1(percentile(a.ms, 50)),
  frame_to_plate_p95_ms: r1(percentile(a.ms, 95)),
  frame_to_plate_1080p_p50_ms: r1(percentile(b.ms, 50)),
  frame_to_plate_1080p_p95_ms: r1(percentile(b.ms, 95)),
  top1_correct_720p: `${a.top1}/${a.total}`,
  top1_correct_1080p: `${b.top1}/${b.total}`,
  any_correct_720p: `${a.any}/${a.total}`,
  any_correct_1080p: `${b.any}/${b.total}`,
  cpu_ms_per_frame_720p: r1(a.cpuMs),
  cpu_ms_per_frame_1080p: r1(b.cpuMs),
  // CPU time of the whole process (inference thread included) per frame: what a frame costs on
  // a quiet core, whatever the load (the wall times above include waiting for a core).
  cpu_ms_p50_720p: r1(percentile(a.cpu, 50)),
  cpu_ms_p95_720p: r1(percentile(a.cpu, 95)),
  cpu_ms_p50_1080p: r1(percentile(b.cpu, 50)),
  cpu_ms_p95_1080p: r1(percentile(b.cpu, 95)),
  rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  load_avg_1m: r1(loadavg()[0] ?? 0),
  reader: reader.options,
  threads: 1,
};
process.stdout.write(
  `720p: p50 ${out.frame_to_plate_p50_ms} ms, p95 ${out.frame_to_plate_p95_ms} ms; 1080p: p50 ${out.frame_to_plate_1080p_p50_ms} ms, p95 ${out.frame_to_plate_1080p_p95_ms} ms (${out.scenes} scenes); CPU per frame 720p p50 ${out.cpu_ms_p50_720p} ms, p95 ${out.cpu_ms_p95_720p} ms\n`,
);
process.stdout.write(`${JSON.stringify(out)}\n`);
