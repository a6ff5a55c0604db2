import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ConsoleServerContext } from '../context.js';
import type { RouteHost } from './host.js';
import { clientAddress, cookie, HttpError, parseCookies, readJson, sendJson, viaHttps } from '../http-util.js';
import { newToken, tokensEqual } from '../security/sessions.js';
import { LOCALES } from '../accounts/user-store.js';

export const SESSION_COOKIE = 'se_session';
/** Pre-login CSRF token (double submit): a login form on another site cannot read it to send it back. */
const LOGIN_COOKIE = 'se_login';

const loginInput = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const localeInput = z.strictObject({ locale: z.enum(LOCALES) });

/** /api/session, /api/login, /api/logout, /api/locale; true when the path was one of them. */
export async function sessionRoutes(
  server: RouteHost,
  ctx: ConsoleServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const secure = viaHttps(req);
  const cookies = parseCookies(req.headers.cookie);
  if (path === '/api/session' && req.method === 'GET') {
    const auth = server.authenticate(req);
    if (auth) {
      sendJson(res, 200, {
        authenticated: true,
        user: { name: auth.user.name, role: auth.user.role, locale: auth.user.locale },
        csrf: auth.session.csrf,
        nodeId: ctx.nodeId,
      });
      return true;
    }
    const loginToken = newToken();
    sendJson(
      res,
      200,
      { authenticated: false, setupNeeded: !ctx.users.hasAdmin(), loginCsrf: loginToken },
      {
        'set-cookie': cookie(LOGIN_COOKIE, loginToken, { maxAgeS: 3600, secure }),
      },
    );
    return true;
  }
  if (path === '/api/login' && req.method === 'POST') {
    if (!ctx.users.hasAdmin())
      throw new HttpError(409, 'no admin account yet: create one with `sharpeyes users add NAME --role admin`', 'setup_needed');
    if (!tokensEqual(String(req.headers['x-csrf-token'] ?? ''), cookies[LOGIN_COOKIE]))
      throw new HttpError(403, 'missing or wrong X-CSRF-Token (reload the page)', 'forbidden');
    const parsed = loginInput.safeParse(await readJson(req, 4096));
    if (!parsed.success) throw new HttpError(400, 'give {name, password}', 'invalid_input');
    const { id, user } = await ctx.auth.login(
      parsed.data.name,
      parsed.data.password,
      clientAddress(req, ctx.trustedProxies),
      cookies[SESSION_COOKIE],
    );
    const session = ctx.auth.authenticate(id);
    sendJson(
      res,
      200,
      {
        authenticated: true,
        user: { name: user.name, role: user.role, locale: user.locale },
        csrf: session?.session.csrf,
        nodeId: ctx.nodeId,
      },
      { 'set-cookie': [cookie(SESSION_COOKIE, id, { secure }), cookie(LOGIN_COOKIE, '', { maxAgeS: 0, secure })] },
    );
    return true;
  }
  if ((path === '/api/logout' || path === '/api/locale') && req.method === 'POST') {
    const auth = server.requireSession(req);
    if (!tokensEqual(String(req.headers['x-csrf-token'] ?? ''), auth.session.csrf))
      throw new HttpError(403, 'missing or wrong X-CSRF-Token', 'forbidden');
    if (path === '/api/logout') {
      ctx.auth.logout(auth, clientAddress(req, ctx.trustedProxies));
      server.dropEnded();
      sendJson(res, 200, { authenticated: false }, { 'set-cookie': cookie(SESSION_COOKIE, '', { maxAgeS: 0, secure }) });
      return true;
    }
    const parsed = localeInput.safeParse(await readJson(req, 1024));
    if (!parsed.success) throw new HttpError(400, `locale must be one of ${LOCALES.join(', ')}`, 'invalid_input');
    ctx.users.setLocale(auth.user.id, parsed.data.locale);
    sendJson(res, 200, { locale: parsed.data.locale });
    return true;
  }
  return false;
}
