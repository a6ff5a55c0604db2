import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { Logger } from '../../../core/logger.js';
import { startTranscoder, type Transcoder } from './transcoder.js';
import { TsStartCache } from './ts-start-cache.js';
import type { PictureSource } from '../../../lib/stream/decoder-feed.js';

export interface LiveViewContext {
  maxRelays: number;
  /** Viewers of one camera at once. */
  maxViewersPerCamera: number;
  /** Viewers of all cameras at once. */
  maxViewers: number;
  width: number;
  height: number;
  idleStopS: number;
  /** How often viewers are pinged; one that has not answered the previous ping is dropped. */
  pingS?: number;
  log: Logger;
  /** A camera's shared stream (the same RTSP session analysis and GB/T 28181 use), or undefined for an unknown camera. */
  streamOf(cameraId: string): PictureSource | undefined;
}

/** Why a viewer was not let in: HTTP status and a message. */
export interface Refusal {
  status: 404 | 503;
  message: string;
}

interface Relay {
  cameraId: string;
  clients: Set<WebSocket>;
  run: Transcoder | undefined;
  /** The relay's output since its last MPEG-1 sequence header: a joining viewer starts with it. */
  start: TsStartCache;
  idleTimer: NodeJS.Timeout | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/**
 * Live view for browsers: MPEG-TS with MPEG-1 video (what JSMpeg plays) over a websocket. It has
 * no port of its own: the console authenticates the viewer (session, Host, Origin) and hands the
 * upgrade over with `accept`. One relay (one ffmpeg transcoding the camera's shared stream, fed
 * from its cached GOP so the first picture comes at once) per camera, started with the first viewer, stopped idleStopS after the last leaves, restarted if ffmpeg
 * exits while viewers remain; capped at maxRelays cameras, maxViewersPerCamera and maxViewers.
 * Viewers are pinged; a dead one (no pong) is dropped, so it does not hold a slot.
 */
export class LiveView {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly relays = new Map<string, Relay>();
  private readonly alive = new WeakSet<WebSocket>();
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: LiveViewContext) {}

  get activeRelays(): number {
    return this.relays.size;
  }

  get viewers(): number {
    let n = 0;
    for (const r of this.relays.values()) n += r.clients.size;
    return n;
  }

  /** The pid of a camera's relay ffmpeg while it runs (diagnostics and fault tests). */
  relayPid(cameraId: string): number | undefined {
    return this.relays.get(cameraId)?.run?.pid;
  }

  start(): void {
    this.pingTimer = setInterval(() => this.ping(), (this.ctx.pingS ?? 15) * 1000);
    this.pingTimer.unref();
  }

  /** Whether a viewer of this camera would be let in now (undefined) or why not. */
  refusal(cameraId: string): Refusal | undefined {
    if (!this.ctx.streamOf(cameraId)) return { status: 404, message: `no camera ${cameraId}` };
    const relay = this.relays.get(cameraId);
    if (!relay && this.relays.size >= this.ctx.maxRelays)
      return { status: 503, message: `at most ${this.ctx.maxRelays} cameras can be viewed at once` };
    if (relay && relay.clients.size >= this.ctx.maxViewersPerCamera)
      return { status: 503, message: `at most ${this.ctx.maxViewersPerCamera} viewers of one camera at once` };
    if (this.viewers >= this.ctx.maxViewers) return { status: 503, message: `at most ${this.ctx.maxViewers} live viewers at once` };
    return undefined;
  }

  /**
   * Takes over an HTTP upgrade the caller has already authorised. Refuses (writes the HTTP
   * error, returns the refusal) an unknown camera or one over the caps; else resolves with the
   * websocket once open.
   */
  accept(cameraId: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket | Refusal> {
    const refused = this.refusal(cameraId);
    const stream = this.ctx.streamOf(cameraId);
    if (refused || !stream) {
      const r = refused ?? { status: 404 as const, message: `no camera ${cameraId}` };
      const text = r.status === 404 ? 'Not Found' : 'Service Unavailable';
      socket.end(`HTTP/1.1 ${r.status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${r.message}\n`);
      return Promise.resolve(r);
    }
    return new Promise((resolve) =>
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.join(cameraId, stream, ws);
        resolve(ws);
      }),
    );
  }

  async stop(): Promise<void> {
    if (this.pingTimer) clearInterval(this.pingTimer);
    const exits: Promise<unknown>[] = [];
    for (const r of this.relays.values()) exits.push(this.stopRelay(r));
    await Promise.all(exits);
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }

  private ping(): void {
    for (const r of this.relays.values())
      for (const c of r.clients) {
        if (!this.alive.has(c)) {
          this.ctx.log.info({ cameraId: r.cameraId }, 'live viewer did not answer the ping; dropped');
          c.terminate();
          continue;
        }
        this.alive.delete(c);
        c.ping();
      }
  }

  private join(cameraId: string, stream: PictureSource, ws: WebSocket): void {
    let relay = this.relays.get(cameraId);
    if (!relay) {
      relay = {
        cameraId,
        clients: new Set(),
        run: undefined,
        start: new TsStartCache(),
        idleTimer: undefined,
        restartTimer: undefined,
        stopped: false,
      };
      this.relays.set(cameraId, relay);
      void this.spawn(relay, stream);
    }
    const r = relay;
    if (r.idleTimer) clearTimeout(r.idleTimer);
    r.idleTimer = undefined;
    r.clients.add(ws);
    for (const chunk of r.start.burst()) ws.send(chunk, { binary: true });
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      r.clients.delete(ws);
      if (r.clients.size === 0 && !r.stopped) {
        r.idleTimer = setTimeout(() => void this.stopRelay(r), this.ctx.idleStopS * 1000);
        r.idleTimer.unref();
      }
    });
  }

  private async spawn(relay: Relay, stream: PictureSource): Promise<void> {
    if (relay.stopped) return;
    relay.start = new TsStartCache(); // a new ffmpeg: a new transport stream
    const run = startTranscoder(stream, {
      width: this.ctx.width,
      height: this.ctx.height,
      fps: 25,
      kbps: 800,
      onData: (chunk) => {
        relay.start.push(chunk);
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
    relay.restartTimer = setTimeout(() => void this.spawn(relay, stream), 1000);
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
