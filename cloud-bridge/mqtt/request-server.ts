import type { ActionTable, Actor } from '../../gateway/core/actions.js';
import type { Logger } from '../../gateway/core/logger.js';
import type { MqttConnection, IncomingMessage } from './mqtt-client.js';
import type { Topics } from './topics.js';
import { dispatchRequest } from './requests.js';
import { errMessage } from '../../gateway/core/errors.js';
import { DEFAULT_ACCOUNTS, roleOfAccount, type AccountRoles } from '../../gateway/core/roles.js';
import { PLATFORM_USER } from './broker-credentials.js';
import type { Response } from './payloads.js';

export interface RequestServerContext {
  actions: ActionTable;
  topics: Topics;
  maxRequestBytes: number;
  log: Logger;
  /** MQTT user name → role (cloud.accounts); default: `platform` is admin, nobody else has a role. */
  accounts?: AccountRoles;
}

/**
 * Answers requests on one connection through the ActionTable, as the account that sent them:
 *
 *   <prefix>/<node>/from/<user>/request/<action>  → as MQTT account <user>, answered on from/<user>/response/<action>
 *   <prefix>/<node>/request/<action>             → as `platform` (the shipped ACL lets only it write there)
 *
 * The broker ACL (cloud-bridge/mqtt/city/acl.mosquitto, enforced as is by the embedded broker) lets
 * each account write requests only under its own user name, so the name in the topic is the one
 * the broker authenticated. Its role comes from `cloud.accounts`, as a console account's from
 * the user table, and the action table enforces it like the console's: an operator account can
 * open gates but not run devices/simulate or read config/get; an account not listed is refused
 * (`forbidden`, audited). Retained requests are ignored: a command left on the broker must not
 * run again at every reconnect.
 */
export async function serveRequests(conn: MqttConnection, ctx: RequestServerContext): Promise<void> {
  conn.onMessage((msg) => void answer(conn, ctx, msg));
  await conn.subscribe([ctx.topics.requestWildcard, ctx.topics.accountRequestWildcard], 1);
}

/** Who a request is from, by its topic: the account and the role `cloud.accounts` gives it (none: refused). */
export function requesterOf(account: string | undefined, accounts: AccountRoles): { actor: Actor | undefined; name: string } {
  const name = account ?? PLATFORM_USER;
  const role = roleOfAccount(accounts, name);
  return { name, actor: role ? { channel: 'platform', name, role } : undefined };
}

async function answer(conn: MqttConnection, ctx: RequestServerContext, msg: IncomingMessage): Promise<void> {
  const parsed = ctx.topics.parseRequest(msg.topic);
  if (parsed === undefined) return;
  const { action, account } = parsed;
  if (msg.retain) {
    ctx.log.warn({ action, account }, 'retained request ignored (a command must not replay at every reconnect)');
    return;
  }
  const { actor, name } = requesterOf(account, ctx.accounts ?? DEFAULT_ACCOUNTS);
  const t0 = performance.now();
  const response: Response = await dispatchRequest(
    {
      actions: ctx.actions,
      maxRequestBytes: ctx.maxRequestBytes,
      // No role: still through the table, as a requester without rights, so the refusal is audited.
      actor: actor ?? { channel: 'platform', name, role: 'viewer' },
      ...(actor ? {} : { refuse: `MQTT account ${JSON.stringify(name)} has no role on this node (cloud.accounts)` }),
      onInternalError: (a, err) =>
        ctx.log.error({ action: a, err, stack: err instanceof Error ? err.stack : undefined }, 'action handler failed'),
    },
    action,
    msg.payload,
  );
  const ms = Math.round(performance.now() - t0);
  if (response.status === 'ok') ctx.log.info({ action, account: name, transaction: response.transaction, ms }, 'request answered');
  else
    ctx.log.warn(
      { action, account: name, transaction: response.transaction, code: response.code, error: response.error },
      'request refused',
    );
  try {
    await conn.publish(
      account === undefined ? ctx.topics.response(action) : ctx.topics.responseTo(account, action),
      JSON.stringify(response),
      msg.correlationData ? { qos: 1, correlationData: msg.correlationData } : { qos: 1 },
    );
  } catch (err) {
    ctx.log.warn({ action, err: errMessage(err) }, 'could not publish the response (connection lost?)');
  }
}
