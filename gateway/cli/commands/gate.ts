import type { Command } from '../command.js';
import { parse } from '../args.js';
import { UsageError } from '../command.js';
import { loadConfig } from '../../config/load.js';
import { gateRequest } from '../../rooms/devices/format.js';
import { RequestClient } from '../../../cloud-bridge/mqtt/request-client.js';
import { errMessage } from '../../core/errors.js';

const command: Command = {
  summary: 'Open (or close, hold open, release, pulse) a gate of the running gateway, through the same MQTT request the platform sends.',
  usage: 'sharpeyes gate open|close|hold_open|release|pulse GATE_ID [PULSE_MS] [--config FILE] [--node ID] [--timeout S]',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string', short: 'c' }, node: { type: 'string' }, timeout: { type: 'string' } },
      true,
    );
    let req;
    try {
      req = gateRequest(positionals);
    } catch (err) {
      throw new UsageError(errMessage(err));
    }
    const timeoutS = values.timeout === undefined ? 10 : Number(values.timeout);
    if (!(timeoutS > 0)) throw new UsageError(`--timeout: got ${values.timeout}, expected seconds > 0`);
    const loaded = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const client = await RequestClient.connect(loaded, values.node ? { nodeId: values.node } : {});
    try {
      const r = await client.request(req.action, req.input, timeoutS * 1000);
      if (r.status !== 'ok') {
        process.stderr.write(`sharpeyes gate: ${r.error}\n`);
        return 1;
      }
      const d = r.data as { gateId: string; command: string; attempts: number; ms: number; gateState?: string };
      process.stdout.write(
        `${d.gateId}: ${d.command} acknowledged in ${d.ms} ms (${d.attempts} attempt${d.attempts === 1 ? '' : 's'})${d.gateState ? `, gate ${d.gateState}` : ''}\n`,
      );
      return 0;
    } finally {
      await client.close();
    }
  },
};
export default command;
