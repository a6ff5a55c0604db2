import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ActionError } from '../../../core/actions.js';
import type { ConsoleServerContext } from '../context.js';
import type { RouteHost } from './host.js';
import type { Authenticated } from '../auth.js';
import { HttpError, readJson, sendBytes, sendJson, type ConsoleErrorCode } from '../http-util.js';
import { actionRatePerMinute } from '../security/rates.js';
import { parseFilter } from '../events-query.js';
import { searchOutbox } from '../../../store/outbox-search.js';

const STATUS: Partial<Record<ConsoleErrorCode, number>> = {
  unknown_action: 404,
  not_found: 404,
  forbidden: 403,
  busy: 429,
  internal: 500,
  too_large: 413,
  unavailable: 503,
};

/** Top-level input fields an action accepts (the page shows what the running gateway supports). */
function accepts(schema: z.ZodType): string[] {
  try {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    return Object.keys(json.properties ?? {});
  } catch {
    return [];
  }
}

/** Thumbnails are encoded at most once a second per camera, however many pages show them. */
const thumbs = new Map<string, { at: number; jpeg: Promise<Buffer> }>();

/** The logged-in API; true when the path was one of its routes. */
export async function apiRoutes(
  server: RouteHost,
  ctx: ConsoleServerContext,
  auth: Authenticated,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  const limit = (key: string, perMinute: number) => {
    const wait = server.rates.take(`${auth.user.id}:${key}`, perMinute, Date.now());
    if (wait > 0)
      throw new HttpError(429, `${key} asked too often: try again in ${Math.ceil(wait / 1000)} s`, 'busy', {
        'retry-after': String(Math.ceil(wait / 1000)),
      });
  };
  if (req.method === 'GET') {
    if (path === '/api/status') {
      sendJson(res, 200, {
        nodeId: ctx.nodeId,
        version: ctx.version,
        startedAt: ctx.startedAt,
        outbox: ctx.outbox.stats(),
        uplink: ctx.uplink(),
        user: { name: auth.user.name, role: auth.user.role },
      });
      return true;
    }
    if (path === '/api/actions') {
      const list = ctx.actions.names().map((name) => {
        const a = ctx.actions.get(name)!;
        return { name, role: a.role, description: a.description, accepts: accepts(a.input) };
      });
      sendJson(res, 200, { actions: list });
      return true;
    }
    if (path === '/api/events') {
      limit('events', 600);
      sendJson(res, 200, { events: searchOutbox(ctx.db, parseFilter(url.searchParams)) });
      return true;
    }
    const snap = /^\/api\/snapshots\/([A-Za-z0-9_.-]{1,128})\.jpg$/.exec(path);
    if (snap) {
      limit('snapshots/get', 600);
      const r = (await runAction(ctx, auth, 'snapshots/get', { id: snap[1], crop: url.searchParams.get('crop') === '1' })) as {
        base64: string;
      };
      sendBytes(res, 'image/jpeg', Buffer.from(r.base64, 'base64'), { 'cache-control': 'private, max-age=3600' });
      return true;
    }
    const thumb = /^\/api\/cameras\/([A-Za-z0-9_-]{1,64})\/latest\.jpg$/.exec(path);
    if (thumb) {
      limit('thumbnail', 600);
      const id = thumb[1] as string;
      if (!ctx.cameras) throw new HttpError(404, 'no cameras room');
      let t = thumbs.get(id);
      if (!t || Date.now() - t.at > 1000) {
        t = { at: Date.now(), jpeg: ctx.cameras.latestJpeg(id) };
        thumbs.set(id, t);
        t.jpeg.catch(() => thumbs.delete(id));
      }
      try {
        sendBytes(res, 'image/jpeg', await t.jpeg);
      } catch (err) {
        if (err instanceof ActionError) throw new HttpError(STATUS[err.code] ?? 400, err.message, err.code);
        throw err;
      }
      return true;
    }
    return false;
  }
  const action = /^\/api\/actions\/([a-z0-9/-]+)$/.exec(path)?.[1];
  if (req.method === 'POST' && action) {
    const declared = ctx.actions.get(action);
    limit(action, actionRatePerMinute(action, declared?.role ?? 'viewer', ctx.rateLimits));
    const input = await readJson(req, ctx.maxBodyBytes);
    try {
      const data = await runAction(ctx, auth, action, input);
      sendJson(res, 200, { status: 'ok', data: data === undefined ? null : data });
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof ActionError) {
        sendJson(res, STATUS[err.code] ?? 400, { status: 'error', code: err.code, error: err.message });
        return true;
      }
      ctx.log.error({ action, err }, 'console action failed');
      sendJson(res, 500, { status: 'error', code: 'internal', error: `action ${action} failed inside the gateway (logged)` });
    }
    return true;
  }
  return false;
}

/** Every action from the console runs through the one action table, as the session's user. */
async function runAction(ctx: ConsoleServerContext, auth: Authenticated, action: string, input: unknown): Promise<unknown> {
  try {
    return await ctx.actions.run(action, input, { actor: auth.actor, transaction: `console-${randomUUID()}` });
  } catch (err) {
    if (err instanceof ActionError && action === 'snapshots/get') throw new HttpError(STATUS[err.code] ?? 400, err.message, err.code);
    throw err;
  }
}
