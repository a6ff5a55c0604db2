import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConsoleServerContext } from './context.js';
import { clientAddress, HttpError, parseCookies, sendJson } from './http-util.js';
import { allowedNames, hostAllowed, sameOrigin } from './security/host-check.js';
import { ConcurrencyLimit, RateLimiter } from '../../core/limits.js';
import { NEVER_STARVED } from '../../core/action-limits.js';
import { tokensEqual } from './security/sessions.js';
import { SESSION_COOKIE, sessionRoutes } from './routes/session.js';
import { apiRoutes } from './routes/api.js';
import type { RouteHost } from './routes/host.js';
import { accountRoutes } from './routes/accounts.js';
import { serveStatic } from './routes/static.js';
import { healthz, metrics } from './routes/ops.js';
import { liveRoute } from './routes/live.js';
import { EventStreams } from './event-streams.js';
import { MetricsListener } from './metrics/listener.js';
import type { Authenticated } from './auth.js';

/**
 * The console's HTTP server. Every request, whatever its path, first passes the Host check (DNS
 * rebinding). Then: static files (the login page works without a session), /healthz, /metrics,
 * /api/session|login|logout, and everything else under /api only with a live session; a
 * state-changing request (POST) also needs the session's CSRF token in X-CSRF-Token and must not
 * come from another origin. Live view websockets (/api/live/<cameraId>) pass the same checks
 * before the cameras room's LiveView takes the socket.
 */
export class ConsoleServer implements RouteHost {
  private server: Server | undefined;
  private readonly names: string[];
  readonly limit: ConcurrencyLimit;
  readonly rates = new RateLimiter();
  readonly streams: EventStreams;
  private sweepTimer: NodeJS.Timeout | undefined;
  private metricsListener: MetricsListener | undefined;

  constructor(private readonly ctx: ConsoleServerContext) {
    this.names = allowedNames(ctx.host, ctx.allowedHosts);
    this.limit = new ConcurrencyLimit(ctx.maxConcurrentRequests);
    this.streams = new EventStreams(ctx.outbox, {
      log: ctx.log,
      ...(ctx.maxStreamBufferBytes !== undefined ? { maxBufferedBytes: ctx.maxStreamBufferBytes } : {}),
    });
  }

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    const host = this.ctx.host.includes(':') ? `[${this.ctx.host}]` : this.ctx.host === '0.0.0.0' ? '127.0.0.1' : this.ctx.host;
    return `http://${host}:${addr?.port ?? this.ctx.port}/`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.fail(req, res, err));
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.on('upgrade', (req, socket, head) => {
      this.upgrade(req, socket as Duplex, head).catch((err: unknown) => {
        this.ctx.log.error({ err }, 'console websocket upgrade failed');
        socket.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.ctx.port, this.ctx.host, () => resolve());
    });
    this.server = server;
    if (this.ctx.metricsListen && this.ctx.metrics) {
      const listener = new MetricsListener(this.ctx, this.ctx.metricsListen);
      try {
        await listener.start();
      } catch (err) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        this.server = undefined;
        throw err;
      }
      this.metricsListener = listener;
    }
    this.streams.start();
    // Sessions that ended (idle, absolute, logout, password changed) lose their event streams and live views.
    this.sweepTimer = setInterval(() => this.dropEnded(), 10_000);
    this.sweepTimer.unref();
  }

  /** Where /metrics is served on its own (console.metricsListen), if it is. */
  get metricsUrl(): string | undefined {
    return this.metricsListener?.url;
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.metricsListener?.stop();
    this.metricsListener = undefined;
    this.streams.stop();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Ends the event streams and live views of sessions that are over. */
  dropEnded(): void {
    this.ctx.auth.sessions.sweep(Date.now());
    this.streams.dropWhere((sessionId) => this.ctx.auth.authenticate(sessionId, false) === undefined);
    for (const [ws, sessionId] of this.liveSockets) if (!this.ctx.auth.authenticate(sessionId, false)) ws.close(1008, 'session ended');
  }

  private readonly liveSockets = new Map<{ close(code: number, reason: string): void }, string>();

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const e = err instanceof HttpError ? err : undefined;
    const status = e?.status ?? 500;
    if (status === 500) this.ctx.log.error({ err, url: req.url }, 'console request failed');
    if (!res.headersSent)
      sendJson(
        res,
        status,
        { status: 'error', code: e?.code ?? 'internal', error: e ? e.message : 'internal error (logged)' },
        e?.headers ?? {},
      );
    else res.end();
  }

  /** The request's session, if any (touching it: the idle timer restarts). */
  authenticate(req: IncomingMessage): Authenticated | undefined {
    return this.ctx.auth.authenticate(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
  }

  private checkHost(req: IncomingMessage): void {
    if (!hostAllowed(req.headers.host, this.names))
      throw new HttpError(
        403,
        `this console is not reached as ${JSON.stringify(req.headers.host ?? '')}: add the name to console.allowedHosts if it is yours`,
        'forbidden',
      );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkHost(req);
    // A request target that is no URL path ("//[", "http://[::1") is the client's error, not ours.
    if (!URL.canParse(req.url ?? '/', 'http://console')) throw new HttpError(400, 'the request target is not a URL path');
    const url = new URL(req.url ?? '/', 'http://console');
    const path = url.pathname;
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (path === '/healthz') return healthz(this.ctx, res);
      if (path === '/metrics') return metrics(this.ctx, req, res);
      if (!path.startsWith('/api/')) return serveStatic(req, res, path);
    }
    if (!path.startsWith('/api/')) throw new HttpError(405, `${req.method} ${path} is not allowed`, 'bad_request');
    if (req.method !== 'GET' && !sameOrigin(req.headers)) {
      this.ctx.log.warn(
        { origin: req.headers.origin, path, address: clientAddress(req, this.ctx.trustedProxies) },
        'console: cross-origin request refused',
      );
      throw new HttpError(403, `cross-origin request from ${req.headers.origin ?? req.headers['sec-fetch-site']} refused`, 'forbidden');
    }
    if (path === '/api/events/stream' && req.method === 'GET') {
      const auth = this.requireSession(req);
      return this.streams.open(req, res, auth.id);
    }
    // Alarm handling (list, ack, resolve) takes no shared slot: a user filling the console with
    // slow requests never stops the alarm banner or the siren's silencing for the others.
    const essential = req.method === 'POST' && NEVER_STARVED.has(path.slice('/api/actions/'.length));
    const release = essential ? () => undefined : this.limit.acquire();
    if (!release)
      throw new HttpError(503, `the console is busy (${this.limit.max} requests at once): try again shortly`, 'busy', {
        'retry-after': '1',
      });
    try {
      if (await sessionRoutes(this, this.ctx, req, res, path)) return;
      const auth = this.requireSession(req);
      if (req.method !== 'GET' && !tokensEqual(String(req.headers['x-csrf-token'] ?? ''), auth.session.csrf)) {
        this.ctx.log.warn({ user: auth.user.name, path }, 'console: request without a valid CSRF token refused');
        throw new HttpError(403, 'missing or wrong X-CSRF-Token', 'forbidden');
      }
      if (await accountRoutes(this.ctx, auth, req, res, url)) return;
      if (await apiRoutes(this, this.ctx, auth, req, res, url)) return;
      throw new HttpError(404, `no ${req.method} ${path}`);
    } finally {
      release();
    }
  }

  requireSession(req: IncomingMessage): Authenticated {
    const auth = this.authenticate(req);
    if (!auth)
      throw new HttpError(
        401,
        this.ctx.users.hasAdmin() ? 'log in first' : 'no admin account yet',
        this.ctx.users.hasAdmin() ? 'unauthenticated' : 'setup_needed',
      );
    return auth;
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, text: string, message: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
    };
    if (!hostAllowed(req.headers.host, this.names)) return refuse(403, 'Forbidden', 'unknown host');
    if (!sameOrigin(req.headers)) {
      this.ctx.log.warn(
        { origin: req.headers.origin, address: clientAddress(req, this.ctx.trustedProxies) },
        'console: cross-origin live view refused',
      );
      return refuse(403, 'Forbidden', 'cross-origin request refused');
    }
    const route = liveRoute(req.url ?? '');
    if (!route) return refuse(404, 'Not Found', 'no such websocket');
    const auth = this.authenticate(req);
    if (!auth) return refuse(401, 'Unauthorized', 'log in first');
    const live = this.ctx.cameras?.liveView();
    if (!live) return refuse(503, 'Service Unavailable', 'live view is disabled (cameras.liveView.enabled)');
    const ws = await live.accept(route.cameraId, req, socket, head);
    if ('status' in ws) return;
    this.liveSockets.set(ws, auth.id);
    ws.on('close', () => this.liveSockets.delete(ws));
    this.ctx.log.info({ user: auth.user.name, cameraId: route.cameraId }, 'live view opened');
  }
}
