/**
 * `npx tsx scripts/plates/confusions.ts [DIR]`: which plate glyphs PP-OCRv4 actually confuses, on a
 * labelled plate folder (default ../shared/datasets/plates). For every crop (and the best read of
 * every scene) it counts (a) substitutions in reads of the right length, and (b) per character
 * the model emitted, the runner-up letter/digit and its probability. The look-alike groups used
 * to match plates (gateway/lib/plate-text/lookalike.ts) were chosen from this table.
 * Last line: one JSON object.
 */
import { resolve } from 'node:path';
import { decodeImage, type RgbImage } from '../../gateway/lib/imaging/image.js';
import { InferenceWorker } from '../../gateway/lib/inference/inference-worker.js';
import { modelPath, readModelText } from '../../gateway/lib/inference/models.js';
import { loadPlateDataset } from '../../gateway/rooms/plates/dataset.js';
import { PlateReader } from '../../gateway/rooms/plates/plate-reader.js';
import { buildPlateAlphabet, colourPrior, decodePlate, segmentCtc } from '../../gateway/rooms/plates/ctc-decode.js';
import { classifyColour } from '../../gateway/rooms/plates/colour.js';
import {
  REC_FILE,
  REC_HEIGHT,
  REC_KEYS,
  REC_MODEL,
  REC_WIDTH,
  recogniserTensor,
  toRecogniserSize,
} from '../../gateway/rooms/plates/recognizer.js';

const dir = resolve(process.argv[2] ?? '../shared/datasets/plates');
const images = loadPlateDataset(dir);
const worker = new InferenceWorker('confusions');
const reader = new PlateReader({ worker });
await reader.load();
const keys = readModelText(REC_KEYS)
  .split('\n')
  .filter((_, i, a) => i < a.length - 1 || a[i] !== '');
await worker.load(REC_MODEL, modelPath(REC_FILE));
const alpha = buildPlateAlphabet(keys.map((k) => k.replace(/\r$/, '')));
const serial = new Set('ABCDEFGHJKLMNOPQRSTUVWXYZ0123456789');
const errors = new Map<string, number>();
const runnerUp = new Map<string, { n: number; n10: number; mass: number; max: number }>();
const provinceErr = new Map<string, number>();
let n = 0;

async function analyse(crop: RgbImage, label: string): Promise<void> {
  const sized = toRecogniserSize(crop);
  const out = await worker.run(REC_MODEL, { x: { type: 'float32', dims: [1, 3, REC_HEIGHT, REC_WIDTH], data: recogniserTensor([sized]) } });
  const t = Object.values(out)[0]!;
  const [, frames] = t.dims as [number, number, number];
  const probs = t.data as Float32Array;
  const d = decodePlate(probs, frames, alpha, { prior: colourPrior(classifyColour(sized)) });
  const a = [...d.plate];
  const b = [...label];
  if (a.length === b.length)
    a.forEach((c, i) => {
      if (c === b[i]) return;
      const k = i === 0 ? provinceErr : errors;
      const key = `${b[i]}>${c}`;
      k.set(key, (k.get(key) ?? 0) + 1);
    });
  for (const s of segmentCtc(probs, frames, alpha)) {
    if (s.kind !== 'char') continue;
    const ranked = [...s.scores]
      .map((p, i) => ({ c: alpha.chars[i]!, p }))
      .filter((x) => serial.has(x.c))
      .sort((x, y) => y.p - x.p);
    const [top, second] = ranked;
    if (!top || !second || top.p < 0.3) continue;
    const key = [top.c, second.c].sort().join('');
    const e = runnerUp.get(key) ?? { n: 0, n10: 0, mass: 0, max: 0 };
    if (second.p >= 0.01) e.n++;
    if (second.p >= 0.1) e.n10++;
    e.mass += second.p;
    e.max = Math.max(e.max, second.p);
    runnerUp.set(key, e);
  }
  n++;
}

for (const img of images) {
  let rgb: RgbImage;
  try {
    rgb = await decodeImage(img.path, { lenient: true });
  } catch {
    continue;
  }
  if (img.kind === 'crop') await analyse(rgb, img.plate);
  else {
    const reads = await reader.readScene(rgb);
    const best = reads.find((r) => r.plate === img.plate) ?? reads[0];
    if (best) await analyse(best.crop, img.plate);
  }
}
await worker.close();
const top = (m: Map<string, number>) => [...m].sort((x, y) => y[1] - x[1]);
const pairs = [...runnerUp]
  .filter(([, v]) => v.n >= 1)
  .sort((x, y) => y[1].mass - x[1].mass)
  .slice(0, 60)
  .map(([k, v]) => ({ pair: k, n: v.n, n10: v.n10, mass: Math.round(v.mass * 100) / 100, max: Math.round(v.max * 100) / 100 }));
for (const p of pairs) process.stdout.write(`${p.pair}\trunner-up>=1%: ${p.n}\t>=10%: ${p.n10}\tmass ${p.mass}\tmax ${p.max}\n`);
process.stdout.write(
  `substitutions (label>read): ${top(errors)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}\n`,
);
process.stdout.write(
  `province substitutions: ${top(provinceErr)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}\n`,
);
process.stdout.write(`${JSON.stringify({ crops: n, substitutions: Object.fromEntries(top(errors)), runner_up: pairs })}\n`);
