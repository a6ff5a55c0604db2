import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConsoleServerContext } from '../context.js';
import { clientAddress, HttpError, isLoopbackAddress, SECURITY_HEADERS, sendJson } from '../http-util.js';
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
 * Prometheus /metrics: with console.metricsTokenFile, the bearer token is required (any
 * address); without it, only clients on this machine (loopback) are answered.
 */
export async function metrics(ctx: ConsoleServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!ctx.metrics) throw new HttpError(404, 'metrics are off');
  if (ctx.metricsToken !== undefined) {
    const header = req.headers.authorization ?? '';
    if (!tokensEqual(header.startsWith('Bearer ') ? header.slice(7) : '', ctx.metricsToken))
      throw new HttpError(401, 'missing or wrong bearer token (console.metricsTokenFile)', 'unauthenticated', {
        'www-authenticate': 'Bearer',
      });
  } else if (!isLoopbackAddress(clientAddress(req))) {
    throw new HttpError(
      403,
      '/metrics answers loopback clients only; set console.metricsTokenFile to scrape it over the network',
      'forbidden',
    );
  }
  ctx.metrics.sessions.set(ctx.auth.sessions.size);
  ctx.metrics.liveViewers.set(ctx.cameras?.liveView()?.viewers ?? 0);
  const { type, text } = await ctx.metrics.render();
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type });
  res.end(text);
}
