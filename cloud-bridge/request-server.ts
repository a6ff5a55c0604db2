import type { ActionTable } from '../gateway/core/actions.js';
import type { Logger } from '../gateway/core/logger.js';
import type { MqttConnection, IncomingMessage } from './mqtt-client.js';
import type { Topics } from './topics.js';
import { dispatchRequest } from './requests.js';
import type { Actor } from '../gateway/core/actions.js';
import { errMessage } from '../gateway/core/errors.js';

/** Requests over MQTT come from the platform (only its identity may publish request/ on the broker). */
const PLATFORM: Actor = { channel: 'platform', name: 'platform', role: 'admin' };

/**
 * Answers `request/<action>` on one connection through the ActionTable. Retained requests are
 * ignored: a command left on the broker must not run again at every reconnect.
 */
export async function serveRequests(
  conn: MqttConnection,
  ctx: { actions: ActionTable; topics: Topics; maxRequestBytes: number; log: Logger },
): Promise<void> {
  conn.onMessage((msg) => void answer(conn, ctx, msg));
  await conn.subscribe([ctx.topics.requestWildcard], 1);
}

async function answer(
  conn: MqttConnection,
  ctx: { actions: ActionTable; topics: Topics; maxRequestBytes: number; log: Logger },
  msg: IncomingMessage,
): Promise<void> {
  const action = ctx.topics.actionOfRequest(msg.topic);
  if (action === undefined) return;
  if (msg.retain) {
    ctx.log.warn({ action }, 'retained request ignored (a command must not replay at every reconnect)');
    return;
  }
  const t0 = performance.now();
  const response = await dispatchRequest(
    {
      actions: ctx.actions,
      maxRequestBytes: ctx.maxRequestBytes,
      actor: PLATFORM,
      onInternalError: (a, err) =>
        ctx.log.error({ action: a, err, stack: err instanceof Error ? err.stack : undefined }, 'action handler failed'),
    },
    action,
    msg.payload,
  );
  const ms = Math.round(performance.now() - t0);
  if (response.status === 'ok') ctx.log.info({ action, transaction: response.transaction, ms }, 'request answered');
  else ctx.log.warn({ action, transaction: response.transaction, code: response.code, error: response.error }, 'request refused');
  try {
    await conn.publish(
      ctx.topics.response(action),
      JSON.stringify(response),
      msg.correlationData ? { qos: 1, correlationData: msg.correlationData } : { qos: 1 },
    );
  } catch (err) {
    ctx.log.warn({ action, err: errMessage(err) }, 'could not publish the response (connection lost?)');
  }
}
