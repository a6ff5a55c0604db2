import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../core/logger.js';
import type { ActionTable } from '../core/actions.js';
import type { Outbox } from '../store/outbox.js';
import { dispatchRequest } from '../../cloud-bridge/requests.js';
import { authorised, checkWriteOrigin, HttpError, readBody, SECURITY_HEADERS, sendJson } from './http-util.js';

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

export interface ConsoleServerContext {
  log: Logger;
  actions: ActionTable;
  outbox: Outbox;
  nodeId: string;
  version: string;
  startedAt: string;
  host: string;
  port: number;
  token?: string;
  maxBodyBytes: number;
}

/**
 * The console's HTTP server: a static page, read-only JSON (status, recent events), a live
 * event stream (Server-Sent Events fed by the outbox), and POST /api/actions/<action> that goes
 * through the same action table and validation as the platform's MQTT requests.
 */
export class ConsoleServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerResponse>();
  private offAppend: (() => void) | undefined;
  private lastStreamed = 0;

  constructor(private readonly ctx: ConsoleServerContext) {}

  get url(): string {
    const addr = this.server?.address() as AddressInfo | null;
    const host = this.ctx.host.includes(':') ? `[${this.ctx.host}]` : this.ctx.host;
    return `http://${host}:${addr?.port ?? this.ctx.port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        const status = err instanceof HttpError ? err.status : 500;
        if (status === 500) this.ctx.log.error({ err: String(err), url: req.url }, 'console request failed');
        if (!res.headersSent) sendJson(res, status, { status: 'error', error: err instanceof Error ? err.message : String(err) });
        else res.end();
      });
    });
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.ctx.port, this.ctx.host, () => resolve());
    });
    this.lastStreamed = this.ctx.outbox.recent(1)[0]?.rowid ?? 0;
    this.offAppend = this.ctx.outbox.onAppend(() => this.pushNewEvents());
  }

  async stop(): Promise<void> {
    this.offAppend?.();
    for (const s of this.streams) s.end();
    this.streams.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A request target that is no URL path ("//[", "http://[::1") is the client's error, not ours.
    if (!URL.canParse(req.url ?? '/', 'http://console')) throw new HttpError(400, 'the request target is not a URL path');
    const url = new URL(req.url ?? '/', 'http://console');
    const page = STATIC[url.pathname];
    if (req.method === 'GET' && page) {
      const body = readFileSync(new URL(`./public/${page.file}`, import.meta.url));
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': page.type });
      res.end(body);
      return;
    }
    if (!url.pathname.startsWith('/api/')) throw new HttpError(404, `no page at ${url.pathname}`);
    if (!authorised(req, url, this.ctx.token)) throw new HttpError(401, 'missing or wrong console token');
    if (req.method === 'GET' && url.pathname === '/api/status') {
      sendJson(res, 200, {
        nodeId: this.ctx.nodeId,
        version: this.ctx.version,
        startedAt: this.ctx.startedAt,
        outbox: this.ctx.outbox.stats(),
        actions: this.ctx.actions.names(),
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/events') {
      const limit = Math.min(500, Math.max(1, Number(url.searchParams.get('limit') ?? 50) || 50));
      sendJson(res, 200, this.ctx.outbox.recent(limit));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/events/stream') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write(': connected\n\n');
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return;
    }
    const action = /^\/api\/actions\/([a-z0-9/-]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'POST' && action) {
      checkWriteOrigin(req);
      const body = await readBody(req, this.ctx.maxBodyBytes);
      let input: unknown = {};
      if (body.length) {
        try {
          input = JSON.parse(body.toString('utf8'));
        } catch {
          throw new HttpError(400, 'request body is not JSON');
        }
      }
      const payload = Buffer.from(JSON.stringify({ transaction: `console-${randomUUID()}`, input }));
      const response = await dispatchRequest(
        {
          actions: this.ctx.actions,
          maxRequestBytes: this.ctx.maxBodyBytes + 256,
          actor: { channel: 'console', name: 'console', role: 'admin' },
          onInternalError: (a, err) => this.ctx.log.error({ action: a, err: String(err) }, 'console action failed'),
        },
        action,
        payload,
      );
      const status = response.status === 'ok' ? 200 : response.code === 'unknown_action' ? 404 : response.code === 'internal' ? 500 : 400;
      sendJson(res, status, response);
      return;
    }
    throw new HttpError(404, `no ${req.method} ${url.pathname}`);
  }

  private pushNewEvents(): void {
    if (this.streams.size === 0) {
      this.lastStreamed = this.ctx.outbox.recent(1)[0]?.rowid ?? this.lastStreamed;
      return;
    }
    const rows = this.ctx.outbox.recent(200, this.lastStreamed).reverse();
    if (rows.length === 0) return;
    this.lastStreamed = rows[rows.length - 1]?.rowid ?? this.lastStreamed;
    const text = rows.map((r) => `data: ${JSON.stringify(r)}\n\n`).join('');
    for (const s of this.streams) s.write(text);
  }
}
