import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { ActionError, type ActionTable, type AuditEntry } from '../../../core/actions.js';
import { hashPassword, passwordProblem, verifyPassword, type ScryptParams } from './password.js';
import { isDisabledHash, USER_NAME, type UserStore } from './user-store.js';
import { registerUserActions } from './actions.js';

/**
 * The console's own account actions, on a table of their own that only the console's HTTP routes
 * run (never the daemon's shared table, so no MQTT request reaches them): the `users/*` of
 * `sharpeyes users`, plus disabling an account, a password reset shown once, and every user
 * changing their own password. Changes are audited like every action.
 */
const name = z.string().regex(USER_NAME);
const password = z.string().min(1).max(256);

/** Letters and digits people read without confusion (no 0/O, 1/l/I). */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A new random password: 4 groups of 4 (about 93 bits), e.g. "k7Pm-x3Rq-...". */
export function randomPassword(): string {
  const groups = Array.from({ length: 4 }, () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
  return groups.join('-');
}

export function registerConsoleAccountActions(
  actions: ActionTable,
  users: UserStore,
  opts: { audit: (e: AuditEntry) => void; params?: ScryptParams },
): void {
  registerUserActions(actions, users, opts.params);
  const exists = (n: string) => {
    if (!users.credentials(n)) throw new ActionError(`no user ${n}`, 'not_found');
  };
  const lastAdmin = (n: string) => users.credentials(n)?.user.role === 'admin' && users.enabledAdmins() <= 1;
  actions.register('users/disable', {
    role: 'admin',
    description: 'Disables an account (its sessions end, it cannot log in) or enables it again with its password.',
    input: z.strictObject({ name, disabled: z.boolean() }),
    handle: (input, ctx) => {
      exists(input.name);
      if (input.disabled && input.name === ctx.actor.name) throw new ActionError('you cannot disable your own account', 'refused');
      if (input.disabled && !isDisabledHash(users.credentials(input.name)!.hash) && lastAdmin(input.name))
        throw new ActionError(`${input.name} is the last admin: add another admin first`, 'refused');
      users.setDisabled(input.name, input.disabled);
      return { name: input.name, disabled: input.disabled };
    },
  });
  actions.register('users/reset-password', {
    role: 'admin',
    description: 'Gives an account a new random password, shown once in the answer; its sessions end.',
    input: z.strictObject({ name }),
    handle: async (input) => {
      exists(input.name);
      const fresh = randomPassword();
      const wasDisabled = isDisabledHash(users.credentials(input.name)!.hash);
      users.setPassword(input.name, await hashPassword(fresh, opts.params));
      if (wasDisabled) users.setDisabled(input.name, true); // a reset does not enable the account
      return { name: input.name, generated: fresh }; // not a secret-looking key: answers are redacted by key
    },
  });
  actions.register('account/passwd', {
    role: 'viewer',
    description: 'Changes your own password (the current one is asked); your sessions end, so you log in again.',
    input: z.strictObject({ current: password, password }),
    handle: async (input, ctx) => {
      const me = ctx.actor.name;
      const creds = users.credentials(me);
      const audit = (ok: boolean, error?: string) =>
        opts.audit({
          action: 'account/passwd',
          actor: ctx.actor,
          transaction: ctx.transaction,
          input: {},
          ok,
          ...(error ? { error, code: 'refused' } : {}),
        });
      if (!creds || !(await verifyPassword(input.current, creds.hash))) {
        audit(false, 'current password wrong');
        throw new ActionError('the current password is wrong', 'refused');
      }
      const problem = passwordProblem(input.password, me);
      if (problem) {
        audit(false, `password refused: ${problem}`);
        throw new ActionError(`password refused: ${problem}`, 'invalid_input');
      }
      users.setPassword(me, await hashPassword(input.password, opts.params));
      audit(true);
      return { name: me, changed: true };
    },
  });
}
