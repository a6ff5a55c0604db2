import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ActionError } from '../../../core/actions.js';
import type { ConsoleServerContext } from '../context.js';
import type { Authenticated } from '../auth.js';
import { HttpError, readJson, sendJson } from '../http-util.js';
import { parseAuditFilter, searchAudit } from '../../../core/audit/search.js';

const STATUS: Record<string, number> = { not_found: 404, forbidden: 403, busy: 429, unknown_action: 404 };

/**
 * Accounts and the audit log in the console (admins; every user for their own password):
 *   POST /api/accounts/<action>  users/list|add|role|disable|reset-password|remove|passwd, account/passwd
 *   GET  /api/audit?by&action&channel&ok&from&to&before&limit  (admins)
 * The account actions run on the console's own table (ctx.accounts), as the session's user.
 * True when the path was one of these routes.
 */
export async function accountRoutes(
  ctx: ConsoleServerContext,
  auth: Authenticated,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  if (req.method === 'GET' && path === '/api/audit') {
    if (auth.user.role !== 'admin') throw new HttpError(403, 'the audit log is for admins', 'forbidden');
    sendJson(res, 200, { entries: searchAudit(ctx.db, parseAuditFilter(url.searchParams)) });
    return true;
  }
  const action = /^\/api\/accounts\/([a-z0-9/-]+)$/.exec(path)?.[1];
  if (req.method !== 'POST' || !action || !ctx.accounts) return false;
  const input = await readJson(req, ctx.maxBodyBytes);
  try {
    const data = await ctx.accounts.run(action, input, { actor: auth.actor, transaction: `console-${randomUUID()}` });
    sendJson(res, 200, { status: 'ok', data: data ?? null });
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    sendJson(res, STATUS[err.code] ?? 400, { status: 'error', code: err.code, error: err.message });
  }
  return true;
}
