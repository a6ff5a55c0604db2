import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from '../../core/logger.js';
import { startMpeg1Muxer, type Mpeg1Relay } from './mpeg1-muxer.js';
import { liveRoute } from './route.js';
import { errMessage } from '../../core/errors.js';

export interface LiveViewContext {
  host: string;
  port: number;
  maxRelays: number;
  width: number;
  height: number;
  idleStopS: number;
  log: Logger;
  /** The RTSP URL of a camera, or undefined for an unknown camera. */
  urlOf(cameraId: string): (() => Promise<string>) | undefined;
}

interface Relay {
  cameraId: string;
  clients: Set<WebSocket>;
  run: Mpeg1Relay | undefined;
  idleTimer: NodeJS.Timeout | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/**
 * Live view for browsers: ws://host:port/live/<cameraId> streams MPEG-TS with MPEG-1 video
 * (what JSMpeg plays). One relay (node-rtsp-stream's Mpeg1Muxer, one ffmpeg) per camera, started
 * with the first viewer, stopped idleStopS after the last leaves, restarted if ffmpeg exits (with
 * any code) while viewers remain, capped at maxRelays. node-rtsp-stream's VideoStream is not used:
 * it listens on all interfaces; the websocket server here is bound to the configured host.
 */
export class LiveView {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly relays = new Map<string, Relay>();
  port = 0;

  constructor(private readonly ctx: LiveViewContext) {}

  get activeRelays(): number {
    return this.relays.size;
  }

  /** The pid of a camera's relay ffmpeg while it runs (diagnostics and fault tests). */
  relayPid(cameraId: string): number | undefined {
    return this.relays.get(cameraId)?.run?.pid;
  }

  async start(): Promise<void> {
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only: ws://host:port/live/<cameraId>\n');
    });
    const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
    server.on('upgrade', (req, socket, head) => {
      const route = liveRoute(req.url ?? '');
      const url = route ? this.ctx.urlOf(route.cameraId) : undefined;
      if (!route || !url) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      if (!this.relays.has(route.cameraId) && this.relays.size >= this.ctx.maxRelays) {
        socket.end(
          `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nat most ${this.ctx.maxRelays} cameras can be viewed at once\n`,
        );
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.join(route.cameraId, url, ws));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.ctx.port, this.ctx.host, () => resolve());
    });
    this.server = server;
    this.wss = wss;
    this.port = (server.address() as AddressInfo).port;
    this.ctx.log.info({ host: this.ctx.host, port: this.port }, 'live view listening');
  }

  async stop(): Promise<void> {
    const exits: Promise<unknown>[] = [];
    for (const r of this.relays.values()) exits.push(this.stopRelay(r));
    await Promise.all(exits);
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private join(cameraId: string, url: () => Promise<string>, ws: WebSocket): void {
    let relay = this.relays.get(cameraId);
    if (!relay) {
      relay = { cameraId, clients: new Set(), run: undefined, idleTimer: undefined, restartTimer: undefined, stopped: false };
      this.relays.set(cameraId, relay);
      void this.spawn(relay, url);
    }
    const r = relay;
    if (r.idleTimer) clearTimeout(r.idleTimer);
    r.idleTimer = undefined;
    r.clients.add(ws);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      r.clients.delete(ws);
      if (r.clients.size === 0 && !r.stopped) {
        r.idleTimer = setTimeout(() => void this.stopRelay(r), this.ctx.idleStopS * 1000);
        r.idleTimer.unref();
      }
    });
  }

  private async spawn(relay: Relay, url: () => Promise<string>): Promise<void> {
    if (relay.stopped) return;
    let u: string;
    try {
      u = await url();
    } catch (err) {
      this.ctx.log.warn({ cameraId: relay.cameraId, err: errMessage(err) }, 'live view: camera unavailable');
      for (const c of relay.clients) c.close(1011, 'camera unavailable');
      await this.stopRelay(relay);
      return;
    }
    if (relay.stopped) return; // the last viewer left while the URL was being resolved
    const run = startMpeg1Muxer({
      url: u,
      width: this.ctx.width,
      height: this.ctx.height,
      fps: 25,
      kbps: 800,
      onData: (chunk) => {
        for (const c of relay.clients) {
          // A slow viewer is skipped rather than buffered without bound.
          if (c.readyState === WebSocket.OPEN && c.bufferedAmount < 4 * 1024 * 1024) c.send(chunk, { binary: true });
        }
      },
    });
    relay.run = run;
    const exit = await run.exited;
    relay.run = undefined;
    if (relay.stopped) return;
    this.ctx.log.warn(
      { cameraId: relay.cameraId, code: exit.code, signal: exit.signal, stderr: exit.stderr.slice(-2) },
      'live view relay exited; restarting',
    );
    relay.restartTimer = setTimeout(() => void this.spawn(relay, url), 1000);
    relay.restartTimer.unref();
  }

  private async stopRelay(relay: Relay): Promise<void> {
    relay.stopped = true;
    if (relay.idleTimer) clearTimeout(relay.idleTimer);
    if (relay.restartTimer) clearTimeout(relay.restartTimer);
    if (this.relays.get(relay.cameraId) === relay) this.relays.delete(relay.cameraId);
    for (const c of relay.clients) c.close(1001, 'live view stopped');
    const run = relay.run;
    if (run) await run.kill();
  }
}
