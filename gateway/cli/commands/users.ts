import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { parse } from '../args.js';
import { cliActor } from '../actor.js';
import { readSecret } from '../secret-prompt.js';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../core/logger.js';
import { createContext } from '../../core/context.js';
import { ActionError, ActionTable } from '../../core/actions.js';
import { UserStore } from '../../rooms/console/accounts/user-store.js';
import { registerUserActions } from '../../rooms/console/accounts/actions.js';
import { translate } from '../../rooms/console/i18n.js';
import { outputLang } from '../../core/locale.js';

const USAGE = [
  'sharpeyes users add NAME --role viewer|operator|admin [--password-file FILE]',
  '       sharpeyes users passwd NAME [--password-file FILE]',
  '       sharpeyes users role NAME viewer|operator|admin',
  '       sharpeyes users remove NAME',
  '       sharpeyes users list [--json]',
  '       common: [--config FILE]; without --password-file the password is read from the terminal, without echo',
].join('\n');

/** The password: first line of --password-file, or typed twice on the terminal. */
async function password(file: string | undefined, t: (k: string) => string): Promise<string> {
  if (file) return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  if (!process.stdin.isTTY) throw new UsageError(t('cli.users.noTty'));
  const first = await readSecret(t('cli.users.prompt'));
  const again = await readSecret(t('cli.users.promptAgain'));
  if (first !== again) throw new UsageError(t('cli.users.mismatch'));
  return first;
}

/**
 * Console accounts, written to the data folder's database directly (the running daemon reads
 * accounts on every request). Each change goes through an action table with the local user as
 * actor, so it is audited (audit_log, audit.action) like a change made from the platform.
 */
const command: Command = {
  summary: 'Console accounts: add (the first admin too), change password or role, remove, list.',
  usage: USAGE,
  async run(argv) {
    const locale = outputLang();
    const t = (k: string, v: Record<string, string | number> = {}) => translate(locale, k, v);
    const { values, positionals } = parse(
      argv,
      { role: { type: 'string' }, 'password-file': { type: 'string' }, json: { type: 'boolean' }, config: { type: 'string', short: 'c' } },
      true,
    );
    const [sub, name, extra] = positionals;
    const input: Record<string, unknown> = {};
    if (sub === 'add') {
      if (!name || !values.role) throw new UsageError('add needs NAME and --role');
      Object.assign(input, { name, role: values.role, password: await password(values['password-file'], t) });
    } else if (sub === 'passwd') {
      if (!name) throw new UsageError('passwd needs NAME');
      Object.assign(input, { name, password: await password(values['password-file'], t) });
    } else if (sub === 'role') {
      if (!name || !extra) throw new UsageError('role needs NAME and a role');
      Object.assign(input, { name, role: extra });
    } else if (sub === 'remove') {
      if (!name) throw new UsageError('remove needs NAME');
      input.name = name;
    } else if (sub !== 'list') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'say add, passwd, role, remove or list');

    const ctx = createContext(loadConfig(values.config ?? process.env.SHARPEYES_CONFIG), createLogger({ level: 'silent' }));
    try {
      const table = new ActionTable({ onAudit: (e) => ctx.audit.record(e) });
      registerUserActions(table, new UserStore(ctx.db));
      let result: unknown;
      try {
        result = await table.run(`users/${sub}`, input, { actor: cliActor(), transaction: `cli-users-${Date.now()}` });
      } catch (err) {
        if (err instanceof ActionError) {
          process.stderr.write(`sharpeyes users: ${err.message}\n`);
          return err.code === 'invalid_input' ? 2 : 1;
        }
        throw err;
      }
      if (sub === 'list') {
        const users = (result as { users: Array<{ name: string; role: string; locale: string; updatedAt: string }> }).users;
        if (values.json) process.stdout.write(`${JSON.stringify(users)}\n`);
        else if (users.length === 0) process.stdout.write(`${t('cli.users.none')}\n`);
        else for (const u of users) process.stdout.write(`${u.name}\t${t(`role.${u.role}`)}\t${u.locale}\t${u.updatedAt}\n`);
      } else process.stdout.write(`${t(`cli.users.done.${sub}`, { name: String(name), role: String(values.role ?? extra ?? '') })}\n`);
      return 0;
    } finally {
      ctx.events.stop();
      ctx.db.close();
    }
  },
};
export default command;
