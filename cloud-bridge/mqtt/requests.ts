import { ActionError, type ActionTable, type Actor } from '../../gateway/core/actions.js';
import { formatIssues } from '../../gateway/config/errors.js';
import type { ErrorCode } from '../../gateway/core/error-codes.js';
import { requestSchema, type Response } from './payloads.js';
import { errMessage } from '../../gateway/core/errors.js';

export interface DispatchContext {
  actions: ActionTable;
  maxRequestBytes: number;
  /** Who sent it: derived by the channel (the platform over MQTT, a console session), never read from the request. */
  actor: Actor;
  /** Refuse as `forbidden` with this message (a requester with no role), audited like any refusal. */
  refuse?: string;
  /** Called for failures that are the gateway's fault (a handler that threw a non-ActionError). */
  onInternalError?: (action: string, err: unknown) => void;
}

const error = (transaction: string | null, code: ErrorCode, message: string): Response => ({
  transaction,
  status: 'error',
  code,
  error: message,
});

/**
 * Turns one `request/<action>` payload into its response. Every refusal (too large, not JSON,
 * no transaction, unknown action, input that fails the action's schema) is decided before the
 * handler runs, so a refused request changes nothing.
 */
export async function dispatchRequest(ctx: DispatchContext, action: string, payload: Buffer): Promise<Response> {
  if (payload.length > ctx.maxRequestBytes) {
    return error(
      null,
      'too_large',
      `request of ${payload.length} bytes is larger than the ${ctx.maxRequestBytes} bytes allowed (cloud.maxRequestBytes)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return error(null, 'bad_request', `request is not JSON: ${errMessage(err)}`);
  }
  const transaction =
    typeof raw === 'object' && raw !== null && typeof (raw as { transaction?: unknown }).transaction === 'string'
      ? (raw as { transaction: string }).transaction
      : null;
  const req = requestSchema.safeParse(raw, { reportInput: true });
  if (!req.success) {
    return error(
      transaction,
      'bad_request',
      `request must be {"transaction": "...", "input": {...}}: ${formatIssues(req.error.issues).join('; ')}`,
    );
  }
  const { transaction: tx, input, ts, nonce } = req.data;
  try {
    if (ctx.refuse !== undefined) ctx.actions.refuse(action, { actor: ctx.actor, transaction: tx }, input, ctx.refuse);
    const data = await ctx.actions.run(action, input, { actor: ctx.actor, transaction: tx }, { stamp: { ts, nonce } });
    return { transaction: tx, status: 'ok', data: data === undefined ? null : data };
  } catch (err) {
    if (err instanceof ActionError) return error(tx, err.code, err.message);
    ctx.onInternalError?.(action, err);
    return error(tx, 'internal', `action ${action} failed inside the gateway: ${errMessage(err)}`);
  }
}
