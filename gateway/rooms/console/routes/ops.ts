import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleServerContext } from '../context.js';
import { HttpError, SECURITY_HEADERS, sendJson } from '../http-util.js';
import { tokensEqual } from '../security/sessions.js';

/**
 * /healthz for the systemd watchdog and monitoring: 200 when every room started and the store
 * takes writes, 503 otherwise; no session, no personal data.
 */
export function healthz(ctx: ConsoleServerContext, res: ServerResponse): void {
  const h = ctx.health();
  sendJson(res, h.ok ? 200 : 503, { status: h.ok ? 'ok' : 'unhealthy', started: h.started, store: h.store, version: ctx.version });
}

/**
 * Prometheus /metrics. With console.metricsTokenFile the bearer token is required, wherever it is
 * asked. Without it, /metrics is served only on its own listen address (console.metricsListen,
 * `ownListener`), never on the console port: behind a local TLS proxy every client of the console
 * looks local, so "loopback only" would let anybody scrape.
 */
export async function metrics(ctx: ConsoleServerContext, req: IncomingMessage, res: ServerResponse, ownListener = false): Promise<void> {
  if (!ctx.metrics) throw new HttpError(404, 'metrics are off');
  if (ctx.metricsToken !== undefined) {
    const header = req.headers.authorization ?? '';
    if (!tokensEqual(header.startsWith('Bearer ') ? header.slice(7) : '', ctx.metricsToken))
      throw new HttpError(401, 'missing or wrong bearer token (console.metricsTokenFile)', 'unauthenticated', {
        'www-authenticate': 'Bearer',
      });
  } else if (!ownListener) {
    throw new HttpError(
      403,
      ctx.metricsListen
        ? `/metrics is served on ${ctx.metricsListen} (console.metricsListen), or here with console.metricsTokenFile`
        : '/metrics needs console.metricsTokenFile (a bearer token) or console.metricsListen (a listen address of its own)',
      'forbidden',
    );
  }
  ctx.metrics.sessions.set(ctx.auth.sessions.size);
  ctx.metrics.liveViewers.set(ctx.cameras?.liveView()?.viewers ?? 0);
  const { type, text } = await ctx.metrics.render();
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type });
  res.end(text);
}
