import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { parse } from '../args.js';
import { decodeImage } from '../../lib/imaging/image.js';
import { loadFacesConfig, openPipeline, openResidentStore } from '../../rooms/faces/cli-support.js';
import { Identities } from '../../rooms/faces/identities.js';
import { lookThresholdFor } from '../../rooms/faces/settings.js';
import { errMessage } from '../../core/errors.js';

/** One JSON line per face found: box, detection score, identity (or null) and similarity. */
const command: Command = {
  summary: 'Identify the faces in photos against the enrolled residents (one JSON line per face).',
  usage: 'sharpeyes identify IMAGE... [--config FILE]',
  async run(argv) {
    const { values, positionals } = parse(argv, { config: { type: 'string', short: 'c' } }, true);
    if (positionals.length === 0) throw new UsageError('give at least one image');
    const loaded = loadFacesConfig(values.config);
    const { db, store } = openResidentStore(loaded);
    const identities = new Identities({ store });
    identities.loadAll();
    const threshold = lookThresholdFor(loaded.config.faces, identities.size);
    db.close();
    const { pipeline, close } = await openPipeline(loaded);
    let failed = 0;
    try {
      for (const path of positionals) {
        let img;
        try {
          img = await decodeImage(path, { lenient: true });
        } catch (err) {
          process.stderr.write(`${errMessage(err)}\n`);
          failed++;
          continue;
        }
        const faces = await pipeline.analyse(img, { padRetry: true });
        if (faces.length === 0) process.stderr.write(`${path}: no face found\n`);
        for (const f of faces) {
          const m = identities.best(f.embedding);
          const known = m !== null && m.similarity >= threshold;
          process.stdout.write(
            `${JSON.stringify({
              image: path,
              box: { x1: Math.round(f.box.x1), y1: Math.round(f.box.y1), x2: Math.round(f.box.x2), y2: Math.round(f.box.y2) },
              score: Math.round(f.score * 1000) / 1000,
              identity: known ? { id: m.residentId, name: m.name } : null,
              similarity: m ? Math.round(m.similarity * 1000) / 1000 : null,
              threshold,
              quality: f.quality.problems,
            })}\n`,
          );
        }
      }
    } finally {
      await close();
    }
    return failed ? 1 : 0;
  },
};
export default command;
