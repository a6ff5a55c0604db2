import { UsageError, type Command } from '../command.js';
import { parse } from '../args.js';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../core/logger.js';
import { createContext } from '../../core/context.js';
import { ActionError } from '../../core/actions.js';
import { cliActor } from '../actor.js';
import { KnownVehicles } from '../../rooms/plates/known-vehicles.js';
import { registerVehicleActions } from '../../rooms/plates/vehicle-actions.js';
import { RequestClient } from '../../../cloud-bridge/mqtt/request-client.js';
import { errMessage } from '../../core/errors.js';

/**
 * Runs one `vehicles/*` action: through the running daemon over MQTT (as the platform does), or
 * with --offline directly on the data folder's database through the same action handler.
 */
async function callAction(action: string, input: unknown, opts: { config?: string; offline?: boolean }): Promise<unknown> {
  const loaded = loadConfig(opts.config ?? process.env.SHARPEYES_CONFIG);
  if (!opts.offline) {
    const client = await RequestClient.connect(loaded).catch((err: unknown) => {
      throw new Error(`${errMessage(err)} (or use --offline to edit the stopped gateway's database directly)`);
    });
    try {
      return await client.call(action, input);
    } finally {
      await client.close();
    }
  }
  const ctx = createContext(loaded, createLogger({ level: 'silent' }));
  try {
    registerVehicleActions(ctx.actions, new KnownVehicles({ db: ctx.db, events: ctx.events }));
    return await ctx.actions.run(action, input, { actor: cliActor(), transaction: 'offline' });
  } catch (err) {
    if (err instanceof ActionError && err.code === 'invalid_input') throw new UsageError(err.message);
    throw err;
  } finally {
    ctx.db.close();
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
