import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { parse } from '../args.js';
import { UsageError } from '../command.js';
import { loadConfig, resolveConfigPath, type LoadedConfig } from '../../config/load.js';
import { formatDeviceTable, type ListedDevice } from '../../rooms/devices/format.js';
import { Database } from '../../store/database.js';
import { RequestClient } from '../../../cloud-bridge/mqtt/request-client.js';
import { errMessage } from '../../core/errors.js';

/** The last state the daemon recorded, when it does not answer (read from its SQLite file). */
function recordedState(loaded: LoadedConfig): { file: string; devices: ListedDevice[] } | undefined {
  const file = join(resolveConfigPath(loaded, loaded.config.node.dataDir), 'gateway.db');
  if (!existsSync(file)) return undefined;
  const db = new Database(file);
  try {
    const rows = db
      .prepare<{ id: string; model: string; online: number; since: string; reason: string | null; gate: string | null }>(
        'SELECT id, model, online, since, reason, gate FROM device_state ORDER BY id',
      )
      .all();
    return {
      file,
      devices: rows.map((r) => ({
        id: r.id,
        model: r.model,
        online: false,
        lastReason: `last recorded ${r.online ? 'online' : `offline${r.reason ? `: ${r.reason}` : ''}`} since ${r.since}`,
        gate: r.gate ?? undefined,
      })),
    };
  } finally {
    db.close();
  }
}

const command: Command = {
  summary: "List the gateway's gate controllers and alarm posts with their state; or drive a simulated one (press a button, go silent...).",
  usage:
    'sharpeyes devices [--json] [--config FILE] [--node ID] | sharpeyes devices simulate DEVICE_ID press|hold|release INPUT | silent|garble on|off | delay MS | state',
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { config: { type: 'string', short: 'c' }, node: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
      true,
    );
    const timeoutMs = (values.timeout === undefined ? 10 : Number(values.timeout)) * 1000;
    if (!(timeoutMs > 0)) throw new UsageError(`--timeout: got ${values.timeout}, expected seconds > 0`);
    const loaded = loadConfig(values.config ?? process.env.SHARPEYES_CONFIG);
    const [sub, deviceId, ...control] = positionals;
    if (sub !== undefined && sub !== 'simulate') throw new UsageError(`unknown subcommand ${sub}`);
    if (sub === 'simulate' && (!deviceId || control.length === 0))
      throw new UsageError('expected DEVICE_ID and a control line, e.g. press button');
    let client: RequestClient;
    try {
      client = await RequestClient.connect(loaded, values.node ? { nodeId: values.node } : {});
    } catch (err) {
      const last = sub ? undefined : recordedState(loaded);
      if (!last) throw err;
      process.stderr.write(`sharpeyes devices: ${errMessage(err)}\nlast recorded state from ${last.file}:\n`);
      process.stdout.write(values.json ? `${JSON.stringify(last.devices, null, 2)}\n` : `${formatDeviceTable(last.devices)}\n`);
      return 1;
    }
    try {
      if (sub === 'simulate') {
        const r = await client.request('devices/simulate', { deviceId, control: control.join(' ') }, timeoutMs);
        if (r.status !== 'ok') {
          process.stderr.write(`sharpeyes devices: ${r.error}\n`);
          return 1;
        }
        process.stdout.write(`${(r.data as { reply: string }).reply}\n`);
        return 0;
      }
      const data = (await client.call('devices/list', {}, timeoutMs)) as { devices: ListedDevice[] };
      process.stdout.write(values.json ? `${JSON.stringify(data.devices, null, 2)}\n` : `${formatDeviceTable(data.devices)}\n`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
export default command;
