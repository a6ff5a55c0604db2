import { resolve } from 'node:path';
import { UsageError, type Command } from '../command.js';
import { parse } from '../args.js';
import { loadConfig, resolveConfigPath } from '../../config/load.js';
import { ActionTable } from '../../core/actions.js';
import { createLogger } from '../../core/logger.js';
import { Database } from '../../store/database.js';
import { Outbox } from '../../store/outbox.js';
import { KnownVehicles, registerVehicleActions } from '../../plates/known-vehicles.js';
import { RequestClient } from '../../../cloud-bridge/request-client.js';

/**
 * Runs one `vehicles/*` action: through the running daemon over MQTT (as the platform does), or
 * with --offline directly on the data folder's database through the same action handler.
 */
async function callAction(action: string, input: unknown, opts: { config?: string; offline?: boolean }): Promise<unknown> {
  const loaded = loadConfig(opts.config ?? process.env.SHARPEYES_CONFIG);
  if (!opts.offline) {
    const client = await RequestClient.connect(loaded).catch((err: unknown) => {
      throw new Error(`${(err as Error).message} (or use --offline to edit the stopped gateway's database directly)`);
    });
    try {
      return await client.call(action, input);
    } finally {
      await client.close();
    }
  }
  const db = new Database(resolve(resolveConfigPath(loaded, loaded.config.node.dataDir), 'gateway.db'));
  try {
    const log = createLogger({ level: 'silent' });
    const outbox = new Outbox({ db, log, quotaBytes: Math.round(loaded.config.outbox.quotaMb * 1024 * 1024) });
    const actions = new ActionTable();
    registerVehicleActions(actions, new KnownVehicles({ db, outbox }));
    const a = actions.get(action);
    if (!a) throw new Error(`no action ${action}`);
    const parsed = a.input.safeParse(input);
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
    return await a.handle(parsed.data, { origin: 'cli', transaction: 'offline' });
  } finally {
    db.close();
  }
}

const command: Command = {
  summary: 'Manage known vehicles (residents, and visitors with a validity window) matched against plates read at the gates.',
  usage: [
    'sharpeyes vehicles add PLATE --owner ID [--visitor --until ISO-TIME] [--from ISO-TIME] [--note TEXT]',
    '       sharpeyes vehicles remove PLATE',
    '       sharpeyes vehicles list [--json]',
    '       common: [--config FILE] [--offline: edit the database directly, for a stopped gateway]',
  ].join('\n'),
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        owner: { type: 'string' },
        visitor: { type: 'boolean' },
        from: { type: 'string' },
        until: { type: 'string' },
        note: { type: 'string' },
        json: { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        offline: { type: 'boolean' },
      },
      true,
    );
    const [sub, plate, ...extra] = positionals;
    const opts = { ...(values.config ? { config: values.config } : {}), offline: !!values.offline };
    if (extra.length) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (sub === 'add') {
      if (!plate || !values.owner) throw new UsageError('add needs a PLATE and --owner ID');
      const input = {
        plate,
        ownerId: values.owner,
        kind: values.visitor ? 'visitor' : 'resident',
        ...(values.from ? { validFrom: values.from } : {}),
        ...(values.until ? { validUntil: values.until } : {}),
        ...(values.note ? { note: values.note } : {}),
      };
      process.stdout.write(`${JSON.stringify(await callAction('vehicles/add', input, opts))}\n`);
      return 0;
    }
    if (sub === 'remove') {
      if (!plate) throw new UsageError('remove needs a PLATE');
      process.stdout.write(`${JSON.stringify(await callAction('vehicles/remove', { plate }, opts))}\n`);
      return 0;
    }
    if (sub === 'list') {
      const list = (await callAction('vehicles/list', {}, opts)) as {
        plate: string;
        ownerId: string;
        kind: string;
        validUntil: string | null;
      }[];
      if (values.json) process.stdout.write(`${JSON.stringify(list)}\n`);
      else
        for (const v of list) process.stdout.write(`${v.plate}\t${v.kind}\t${v.ownerId}${v.validUntil ? `\tuntil ${v.validUntil}` : ''}\n`);
      return 0;
    }
    throw new UsageError('expected add, remove or list');
  },
};
export default command;
