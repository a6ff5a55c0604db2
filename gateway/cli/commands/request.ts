import type { Command } from '../command.js';
import { parse } from '../args.js';
import { UsageError } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { RequestClient } from '../../../cloud-bridge/mqtt/request-client.js';
import { errMessage } from '../../core/errors.js';

const command: Command = {
  summary: 'Send a request to the running gateway over MQTT, as the platform would, and print the response (exit 1 if it is an error).',
  usage: 'sharpeyes request ACTION [JSON-INPUT] [--config FILE] [--node ID] [--timeout S]   e.g. sharpeyes request ping',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string', short: 'c' }, node: { type: 'string' }, timeout: { type: 'string' } },
      true,
    );
    const [action, json, ...extra] = positionals;
    if (!action || extra.length) throw new UsageError('expected an action and at most one JSON input');
    let input: unknown = {};
    if (json !== undefined) {
      try {
        input = JSON.parse(json);
      } catch (err) {
        throw new UsageError(`JSON-INPUT is not JSON: ${errMessage(err)}`);
      }
    }
    const timeoutS = values.timeout === undefined ? 10 : Number(values.timeout);
    if (!(timeoutS > 0)) throw new UsageError(`--timeout: got ${values.timeout}, expected seconds > 0`);
    const loaded = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const client = await RequestClient.connect(loaded, values.node ? { nodeId: values.node } : {});
    try {
      const response = await client.request(action, input, timeoutS * 1000);
      process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
      return response.status === 'ok' ? 0 : 1;
    } finally {
      await client.close();
    }
  },
};
export default command;
