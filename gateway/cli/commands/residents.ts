import { basename } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { parse } from '../args.js';
import { loadFacesConfig, openPipeline, openResidentStore } from '../../rooms/faces/cli-support.js';
import { enrolResident, EnrolmentRefused } from '../../rooms/faces/enrolment.js';
import { IMPORT_USAGE, residentsImport } from './residents-import.js';

const USAGE = [
  'sharpeyes residents add --name NAME [--id ID] --photo A.jpg [--photo B.jpg ...] [--config FILE]',
  '       sharpeyes residents remove ID [--config FILE]',
  '       sharpeyes residents list [--json] [--config FILE]',
  `       ${IMPORT_USAGE}`,
].join('\n');

/**
 * Works on the database in the data folder directly; a running daemon notices the change within
 * faces.pollMs (or at once after a `residents/changed` request).
 */
const command: Command = {
  summary:
    'Enrol residents from photos (one clear face each), import them from a CSV with a photo folder, erase them for good, or list them.',
  usage: USAGE,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'import') return residentsImport(rest);
    if (sub === 'add') {
      const { values } = parse(rest, {
        name: { type: 'string' },
        id: { type: 'string' },
        photo: { type: 'string', multiple: true },
        config: { type: 'string', short: 'c' },
      });
      if (!values.name) throw new UsageError('--name is required');
      if (!values.photo?.length) throw new UsageError('at least one --photo is required');
      const loaded = loadFacesConfig(values.config);
      const { db, store } = openResidentStore(loaded);
      const { pipeline, close } = await openPipeline(loaded);
      try {
        const resident = await enrolResident(
          { pipeline, store },
          {
            ...(values.id === undefined ? {} : { id: values.id }),
            name: values.name,
            photos: values.photo.map((p) => ({ input: p, source: basename(p) })),
          },
        );
        process.stdout.write(`${JSON.stringify({ added: resident })}\n`);
        return 0;
      } catch (err) {
        if (err instanceof EnrolmentRefused) {
          for (const r of err.refusals) process.stderr.write(`refused ${r.source}: ${r.reason}\n`);
          process.stderr.write('nothing was stored\n');
          return 1;
        }
        throw err;
      } finally {
        await close();
        db.close();
      }
    }
    if (sub === 'remove') {
      const { values, positionals } = parse(rest, { config: { type: 'string', short: 'c' } }, true);
      if (positionals.length !== 1) throw new UsageError('give exactly one resident id');
      const { db, store } = openResidentStore(loadFacesConfig(values.config));
      try {
        if (!store.remove(positionals[0]!)) {
          process.stderr.write(`no resident ${positionals[0]}\n`);
          return 1;
        }
        process.stdout.write(`removed ${positionals[0]} and every template\n`);
        return 0;
      } finally {
        db.close();
      }
    }
    if (sub === 'list') {
      const { values } = parse(rest, { json: { type: 'boolean' }, config: { type: 'string', short: 'c' } });
      const { db, store } = openResidentStore(loadFacesConfig(values.config));
      try {
        const list = store.list();
        if (values.json) process.stdout.write(`${JSON.stringify(list)}\n`);
        else for (const r of list) process.stdout.write(`${r.id}\t${r.name}\t${r.templates} template(s)\t${r.updatedAt}\n`);
        return 0;
      } finally {
        db.close();
      }
    }
    throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say add, import, remove or list');
  },
};
export default command;
