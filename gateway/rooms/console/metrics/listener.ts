import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConsoleServerContext } from '../context.js';
import { HttpError, sendJson } from '../http-util.js';
import { allowedNames, hostAllowed } from '../security/host-check.js';
import { metrics } from '../routes/ops.js';

/**
 * /metrics on a listen address of its own (console.metricsListen), apart from the console: a
 * scraper on this machine or on a monitoring network reaches it without a session or a proxy in
 * between; with console.metricsTokenFile it still needs the token. Only GET /metrics, after the
 * same Host check as the console (DNS rebinding).
 */
export class MetricsListener {
  private server: Server | undefined;
  private readonly host: string;
  private readonly port: number;

  constructor(
    private readonly ctx: ConsoleServerContext,
    listen: string,
  ) {
    const i = listen.lastIndexOf(':');
    this.host = listen.slice(0, i).replace(/^\[|\]$/g, '');
    this.port = Number(listen.slice(i + 1));
  }

  get url(): string {
    const port = (this.server?.address() as AddressInfo | null)?.port ?? this.port;
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${port}/metrics`;
  }

  async start(): Promise<void> {
    const names = allowedNames(this.host, this.ctx.allowedHosts);
    const server = createServer((req, res) => {
      const run = async () => {
        if (!hostAllowed(req.headers.host, names)) throw new HttpError(403, 'unknown host', 'forbidden');
        const path = (req.url ?? '/').split('?')[0];
        if ((req.method !== 'GET' && req.method !== 'HEAD') || path !== '/metrics') throw new HttpError(404, 'only GET /metrics here');
        await metrics(this.ctx, req, res, true);
      };
      run().catch((err: unknown) => {
        const e = err instanceof HttpError ? err : new HttpError(500, 'internal error (logged)');
        if (e.status === 500) this.ctx.log.error({ err }, 'metrics request failed');
        if (!res.headersSent) sendJson(res, e.status, { status: 'error', code: e.code, error: e.message }, e.headers);
        else res.end();
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new Error(`console.metricsListen: cannot listen on ${this.host}:${this.port}: ${err.message}`, { cause: err })),
      );
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
