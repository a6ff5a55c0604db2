/**
 * `sharpeyes eval plates DIR [--json] [--verbose] [--config FILE]`: runs evaluatePlates with the
 * reader the daemon builds from its `plates` config (reader-options.ts), and prints the figures.
 */
import { parse } from '../../cli/args.js';
import { UsageError } from '../../cli/command.js';
import { loadConfig } from '../../config/load.js';
import { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { evaluatePlates } from './eval.js';
import { PlateReader } from './plate-reader.js';
import { readerOptions } from './reader-options.js';

export const usage =
  'sharpeyes eval plates DIR [--json] [--verbose] [--config FILE]   (DIR laid out like ../shared/datasets/plates: full/, crops/, MANIFEST.tsv in DIR or DIR/..; the reader is set up from the config as the daemon does)';

const causeList = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ') || 'none';

export async function runPlatesEval(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { json: { type: 'boolean' }, verbose: { type: 'boolean', short: 'v' }, config: { type: 'string', short: 'c' } },
    true,
  );
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(`give one folder: ${usage}`);
  const cfg = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG).config.plates;
  const worker = new InferenceWorker('plates-eval');
  const reader = new PlateReader({ worker, options: readerOptions(cfg) });
  try {
    await reader.load();
    let done = 0;
    const { report, outcomes } = await evaluatePlates(dir, reader, (o) => {
      done++;
      const top1 = o.image.kind === 'crop' || o.reads[0] === o.image.plate;
      if (values.verbose && (!o.exact || !top1))
        process.stderr.write(
          `${o.exact ? 'top1-miss' : 'miss'} ${o.image.kind} ${o.image.plate} read=[${o.reads.map((r, i) => `${r}:${o.confidences[i]?.toFixed(3)}`).join(',')}]${o.error ? ` error=${o.error}` : ''} ${o.image.path}\n`,
        );
      else if (!values.json && done % 100 === 0) process.stderr.write(`${done} images...\n`);
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      return 0;
    }
    const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
    const lines = [
      `scenes ${report.scenes}: first read right (top-1, what the gate acts on) ${pct(report.scene_top1)}, label among the reads ${pct(report.scene_exact)}`,
      `crops ${report.crops}: exact ${pct(report.crop_exact)}`,
      `character accuracy ${pct(report.char_accuracy)}, colour accuracy ${pct(report.colour_accuracy)} (where labelled)`,
      `per colour, scenes (top-1/exact/n): ${Object.entries(report.per_colour_scenes)
        .map(([k, v]) => `${k} ${v.top1}/${v.exact}/${v.n}`)
        .join(', ')}; scenes and crops (exact/n): ${Object.entries(report.per_colour)
        .map(([k, v]) => `${k} ${v.exact}/${v.n}`)
        .join(', ')}`,
      `per kind of plate, scenes (top-1/n): ${Object.entries(report.per_class_scenes)
        .map(([k, v]) => `${k} ${v.top1}/${v.n}`)
        .join(', ')}; crops (exact/n): ${Object.entries(report.per_class_crops)
        .map(([k, v]) => `${k} ${v.exact}/${v.n}`)
        .join(', ')}`,
      `first reads that failed, by cause: scenes ${causeList(report.scene_failures)}; crops ${causeList(report.crop_failures)}`,
      `per source: ${Object.entries(report.per_source)
        .map(([k, v]) => `${k} ${v.exact}/${v.n}`)
        .join(', ')}`,
      `time per image: p50 ${report.ms_p50} ms, p95 ${report.ms_p95} ms (scenes p50 ${report.scene_ms_p50} ms, crops p50 ${report.crop_ms_p50} ms)`,
      `reader: ${JSON.stringify(report.reader)}`,
      `unreadable files: ${report.errors}`,
    ];
    const misses = outcomes.filter((o) => !o.exact);
    if (misses.length && !values.verbose) lines.push(`${misses.length} misses (--verbose lists them)`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await worker.close();
  }
}
