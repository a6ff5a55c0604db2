/**
 * The one role table of the gateway, for every channel (console accounts, MQTT accounts of the
 * platform, the CLI and operator tools, the local CLI). Pure.
 *
 *   viewer    sees: lists, status, alarms, events
 *   operator  also acts: gates, alarms, residents, vehicles, watchlist, event replay
 *   admin     everything: configuration, accounts, simulated devices
 *
 * An action names the least role that may run it (core/actions.ts); a requester's role comes from
 * its channel: the console account's role, or for MQTT the role `cloud.accounts` gives the user
 * name the broker authenticated (the request topic carries it, and the broker's ACL lets each
 * account write only under its own name). An MQTT account not in `cloud.accounts` has no role
 * and every request of it is refused.
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `role` may run an action that needs `needed`. */
export function mayRun(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** MQTT user name → role (`cloud.accounts`). */
export type AccountRoles = Readonly<Record<string, Role>>;

/**
 * The role `accounts` gives an MQTT user name, or undefined (no role: refused). Own-property
 * lookup only, so `__proto__` or `constructor` is never an account.
 */
export function roleOfAccount(accounts: AccountRoles, username: string): Role | undefined {
  return Object.hasOwn(accounts, username) ? accounts[username] : undefined;
}

/** Default `cloud.accounts`: the platform (and the CLI, which uses its identity on the embedded broker) is admin. */
export const DEFAULT_ACCOUNTS: AccountRoles = { platform: 'admin' };
