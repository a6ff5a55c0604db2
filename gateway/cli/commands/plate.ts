import { UsageError, type Command } from '../command.js';
import { parse } from '../args.js';
import { readFile } from 'node:fs/promises';
import { decodeImage, ImageError, probeImage, type RgbImage } from '../../lib/imaging/image.js';
import { InferenceWorker } from '../../lib/inference/inference-worker.js';
import { PlateReader } from '../../rooms/plates/plate-reader.js';
import { readerOptions } from '../../rooms/plates/reader-options.js';
import { loadConfig } from '../../config/load.js';
import { errCode, errMessage } from '../../core/errors.js';

/** Longest side accepted (a 20,000 px panorama is not a camera frame). */
const MAX_SIDE = 16384;

/** Decodes with readable refusals; a truncated JPEG is read as far as it goes, with a warning. */
async function load(file: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new ImageError(errCode(err) === 'ENOENT' ? 'file not found' : errMessage(err), file);
  }
  if (bytes.length === 0) throw new ImageError('empty file (0 bytes)', file);
  const { width, height } = await probeImage(bytes).catch((err: unknown) => {
    throw err instanceof ImageError ? new ImageError(err.message, file) : err;
  });
  if (Math.max(width, height) > MAX_SIDE) throw new ImageError(`image too large (${width}x${height}; sides up to ${MAX_SIDE} px)`, file);
  try {
    return await decodeImage(bytes, { maxPixels: 50_000_000, source: file });
  } catch (err) {
    if (!(err instanceof ImageError) || !/truncated|corrupt/.test(err.message)) throw err;
    process.stderr.write(`sharpeyes plate: ${err.message}; reading the part that decodes\n`);
    return decodeImage(bytes, { lenient: true, maxPixels: 50_000_000, source: file });
  }
}

/** A tight crop rather than a scene: plate-shaped and small. */
function looksLikeCrop(width: number, height: number): boolean {
  const a = width / Math.max(1, height);
  return a >= 1.8 && a <= 6 && width <= 640;
}

const command: Command = {
  summary: 'Read the licence plates in image files; prints one JSON line per plate (plate, colour, confidence, box).',
  usage: 'sharpeyes plate IMAGE... [--crop] [--long-side N] [--config FILE]   (read as the daemon reads, with its plates config)',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { crop: { type: 'boolean' }, 'long-side': { type: 'string' }, config: { type: 'string', short: 'c' } },
      true,
    );
    if (positionals.length === 0) throw new UsageError('give at least one image file');
    const longSide = values['long-side'] ? Number(values['long-side']) : undefined;
    if (longSide !== undefined && !(longSide >= 160 && longSide <= 4096))
      throw new UsageError('--long-side must be a number of pixels (160..4096)');
    const worker = new InferenceWorker('plate-cli');
    const options = readerOptions(loadConfig(values.config ?? process.env.SHARPEYES_CONFIG).config.plates);
    const reader = new PlateReader({ worker, options: { ...options, ...(longSide ? { longSide, fastLongSide: 0 } : {}) } });
    let failed = 0;
    try {
      await reader.load();
      for (const file of positionals) {
        try {
          const img = await load(file);
          let results = values.crop ? [] : await reader.readScene(img);
          if (results.length === 0 && (values.crop || looksLikeCrop(img.width, img.height))) {
            const r = await reader.readCrop(img);
            results = r ? [r] : [];
          }
          if (results.length === 0) process.stdout.write(`${JSON.stringify({ file, plate: null })}\n`);
          for (const r of results) {
            process.stdout.write(
              `${JSON.stringify({ file, plate: r.plate, colour: r.colour, confidence: Math.round(r.confidence * 1000) / 1000, box: r.box })}\n`,
            );
          }
        } catch (err) {
          failed++;
          const msg = err instanceof ImageError ? err.message : `${file}: ${errMessage(err)}`;
          process.stderr.write(`sharpeyes plate: ${msg}\n`);
        }
      }
    } finally {
      await worker.close();
    }
    return failed > 0 ? 1 : 0;
  },
};
export default command;
