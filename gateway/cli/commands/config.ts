import type { Command } from '../command.js';
import { parse } from '../args.js';
import { loadConfig, redactConfig } from '../../config/load.js';
import { configJsonSchema } from '../../config/schema.js';

const command: Command = {
  summary: 'Check a config file (exit 2 with one line per fault), print it with defaults filled in, or print its JSON Schema.',
  usage: 'sharpeyes config [check] [--config FILE] | sharpeyes config schema',
  async run(argv) {
    const { values, positionals } = parse(argv, { config: { type: 'string', short: 'c' } }, true);
    if (positionals[0] === 'schema') {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
      return 0;
    }
    const loaded = loadConfig(values.config);
    if (positionals[0] === 'check') {
      process.stdout.write(`config ok (${loaded.source}), node id ${loaded.nodeId}\n`);
      return 0;
    }
    process.stdout.write(`${JSON.stringify({ nodeId: loaded.nodeId, config: redactConfig(loaded.config) }, null, 2)}\n`);
    return 0;
  },
};
export default command;
