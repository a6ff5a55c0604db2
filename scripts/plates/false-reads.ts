/**
 * `npx tsx scripts/plates/false-reads.ts [N]`: plates "read" in photos that hold none. Runs the
 * scene reader with no confidence floor over N photos (default 400) of ../shared/datasets/faces
 * (people, rooms, streets, press photos with captions and signs) and frames of its videos, and
 * prints the confidence of every read: the floor (plates.minConfidence) must stay above what
 * text that is not a plate reaches. None of these photos is in the plate evaluation.
 * Last line: one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeImage } from '../../gateway/lib/imaging/image.js';
import { InferenceWorker } from '../../gateway/lib/inference/inference-worker.js';
import { PlateReader } from '../../gateway/rooms/plates/plate-reader.js';

const DATA = resolve('../shared/datasets');
const N = Number(process.argv[2] ?? 400);
const faces = join(DATA, 'faces');
const photos: string[] = [];
for (const d of readdirSync(faces).sort()) {
  for (const f of readdirSync(join(faces, d)).sort()) if (/\.(jpe?g|png)$/i.test(f)) photos.push(join(faces, d, f));
}
// An even sample over the folders (the file list is sorted by identity).
const step = Math.max(1, Math.floor(photos.length / N));
const sample = photos.filter((_, i) => i % step === 0).slice(0, N);
const tmp = mkdtempSync(join(tmpdir(), 'false-reads-'));
for (const v of readdirSync(join(DATA, 'video')).filter((f) => f.endsWith('.mp4'))) {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-i', join(DATA, 'video', v), '-vf', 'fps=0.5', join(tmp, `${v}_%03d.png`)]);
}
for (const f of readdirSync(tmp).sort()) sample.push(join(tmp, f));

const worker = new InferenceWorker('false-reads');
const reader = new PlateReader({ worker, options: { minConfidence: 0 } });
await reader.load();
const confidences: number[] = [];
let withRead = 0;
for (const path of sample) {
  try {
    const reads = await reader.readScene(await decodeImage(path, { lenient: true }));
    if (reads.length) withRead++;
    for (const r of reads) {
      confidences.push(r.confidence);
      if (r.confidence >= 0.5) process.stderr.write(`${r.confidence.toFixed(3)} ${r.plate} ${path}\n`);
    }
  } catch {
    // unreadable photo: not a plate either
  }
}
await worker.close();
rmSync(tmp, { recursive: true, force: true });
const above = (t: number) => confidences.filter((c) => c >= t).length;
const out = {
  images: sample.length,
  images_with_a_read: withRead,
  reads: confidences.length,
  max_confidence: Math.round(Math.max(0, ...confidences) * 1000) / 1000,
  reads_at_or_above: Object.fromEntries([0.3, 0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8].map((t) => [t, above(t)])),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
