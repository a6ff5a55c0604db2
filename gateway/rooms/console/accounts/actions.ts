import { z } from 'zod';
import { ActionError, type ActionTable } from '../../../core/actions.js';
import { hashPassword, passwordProblem, type ScryptParams } from './password.js';
import { isDisabledHash, ROLES, USER_NAME, type UserStore } from './user-store.js';

/**
 * `users/*`: console accounts. Registered on the table `sharpeyes users` runs (its own process,
 * audited like every change: audit_log + audit.action, password left out), never on the
 * daemon's shared table, so no MQTT request can create or change a local account.
 */
const name = z.string().regex(USER_NAME, 'letters, digits, "_", ".", "@" or "-", at most 64');
const role = z.enum(ROLES);
const password = z.string().min(1).max(256);

export function registerUserActions(actions: ActionTable, users: UserStore, params?: ScryptParams): void {
  const checkPassword = (pw: string, user: string) => {
    const problem = passwordProblem(pw, user);
    if (problem) throw new ActionError(`password refused: ${problem}`, 'invalid_input');
  };
  const lastAdmin = (user: string) => {
    const u = users.credentials(user)?.user;
    return u?.role === 'admin' && users.admins() === 1;
  };
  actions.register('users/list', {
    role: 'admin',
    description: 'Console accounts: name, role, language, when created and changed.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({
      users: users.list().map(({ name: n, role: r, locale, createdAt, updatedAt }) => ({
        name: n,
        role: r,
        locale,
        createdAt,
        updatedAt,
        disabled: isDisabledHash(users.credentials(n)?.hash ?? ''),
      })),
    }),
  });
  actions.register('users/add', {
    role: 'admin',
    description: 'Adds a console account with a role (viewer, operator, admin).',
    input: z.strictObject({ name, role, password }),
    handle: async (input) => {
      if (users.credentials(input.name)) throw new ActionError(`user ${input.name} exists already`, 'invalid_input');
      checkPassword(input.password, input.name);
      const u = users.add(input.name, input.role, await hashPassword(input.password, params));
      return { name: u.name, role: u.role };
    },
  });
  actions.register('users/remove', {
    role: 'admin',
    description: 'Removes a console account; its sessions end at once.',
    input: z.strictObject({ name }),
    handle: ({ name: n }) => {
      if (!users.credentials(n)) throw new ActionError(`no user ${n}`, 'not_found');
      if (lastAdmin(n)) throw new ActionError(`${n} is the last admin: add another admin first`, 'refused');
      users.remove(n);
      return { removed: n };
    },
  });
  actions.register('users/passwd', {
    role: 'admin',
    description: "Sets an account's password; its sessions end at once.",
    input: z.strictObject({ name, password }),
    handle: async (input) => {
      if (!users.credentials(input.name)) throw new ActionError(`no user ${input.name}`, 'not_found');
      checkPassword(input.password, input.name);
      users.setPassword(input.name, await hashPassword(input.password, params));
      return { name: input.name, changed: true };
    },
  });
  actions.register('users/role', {
    role: 'admin',
    description: "Changes an account's role (applies to its next request).",
    input: z.strictObject({ name, role }),
    handle: (input) => {
      if (!users.credentials(input.name)) throw new ActionError(`no user ${input.name}`, 'not_found');
      if (input.role !== 'admin' && lastAdmin(input.name))
        throw new ActionError(`${input.name} is the last admin: add another admin first`, 'refused');
      users.setRole(input.name, input.role);
      return { name: input.name, role: input.role };
    },
  });
}
