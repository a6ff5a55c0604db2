import { copyFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { UsageError, type Command } from '../command.js';
import { parse } from '../args.js';
import { loadConfig, redactConfig } from '../../config/load.js';
import { checkConfig } from '../../check-config.js';
import { configJsonSchema } from '../../config/schema.js';
import { CONFIG_VERSION } from '../../config/migrations/index.js';

const command: Command = {
  summary:
    'Check a config file as the daemon would (every fault at once, exit 2), print it with defaults filled in, print its JSON Schema, or upgrade an older file.',
  usage: 'sharpeyes config [check] [--config FILE] | sharpeyes config migrate [--write] [--config FILE] | sharpeyes config schema',
  async run(argv) {
    const { values, positionals } = parse(argv, { config: { type: 'string', short: 'c' }, write: { type: 'boolean' } }, true);
    if (positionals[0] === 'schema') {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return 0;
    }
    const file = values.config ?? process.env.SHARPEYES_CONFIG;
    const loaded = loadConfig(file);
    const notes = loaded.migrationNotes;
    if (positionals[0] === 'migrate') {
      if (!file) throw new UsageError('config migrate needs --config FILE (the embedded defaults are always current)');
      if (notes.length === 0) {
        process.stdout.write(`${loaded.source} is already version ${CONFIG_VERSION}\n`);
        return 0;
      }
      for (const n of notes) process.stdout.write(`${n}\n`);
      const text = `# Sharp Eyes gateway config, version ${CONFIG_VERSION} (upgraded from version ${loaded.fileVersion} by sharpeyes config migrate)\n${stringify(loaded.migrated)}`;
      if (!values.write) {
        process.stdout.write(`\n${text}\n(nothing written: add --write to replace ${loaded.source}, keeping a .bak)\n`);
        return 0;
      }
      const path = resolve(file);
      copyFileSync(path, `${path}.bak`);
      writeFileSync(path, text);
      process.stdout.write(`wrote ${path} (the old file is ${path}.bak); comments were not kept\n`);
      return 0;
    }
    if (positionals[0] === 'check') {
      for (const n of notes) process.stderr.write(`note: ${n}\n`);
      const checked = checkConfig(loaded); // the daemon's own check: throws with every error (exit 2)
      for (const w of checked.warnings) process.stderr.write(`warning: ${w}\n`);
      const older = notes.length
        ? ` (version ${loaded.fileVersion}, upgraded in memory: \`sharpeyes config migrate --write\` updates the file)`
        : '';
      process.stdout.write(`config ok (${loaded.source}${older}), node id ${loaded.nodeId}\n`);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unknown subcommand ${positionals[0]}`);
    // What the daemon would run: defaults and the demo's settings filled in, after the same check.
    const checked = checkConfig(loaded);
    process.stdout.write(`${JSON.stringify({ nodeId: checked.nodeId, config: redactConfig(checked.config) }, null, 2)}\n`);
    return 0;
  },
};
export default command;
