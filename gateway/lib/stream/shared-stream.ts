/**
 * One camera stream pulled once and fanned out: the RTSP session opens with the first consumer,
 * closes `lingerMs` after the last one leaves, and every consumer (analysis, live viewers, the
 * GB/T 28181 sessions, snapshots) gets the same pictures; a consumer that joins starts with the
 * cached GOP (keyframe first), so it can decode at once. A dropped or frozen camera is
 * reconnected with backoff while consumers remain; consumers hear `onDown` and keep their
 * subscription (pictures resume after the reconnect).
 */
import type { Logger } from '../../core/logger.js';
import { Backoff, NO_JITTER } from '../../core/backoff.js';
import { errMessage } from '../../core/errors.js';
import { redactUrl } from '../ffmpeg/args.js';
import type { Failure } from '../ffmpeg/errors.js';
import { openRtsp, type RtspSession, type RtspTlsOptions } from '../rtsp/client.js';
import type { AccessUnit } from '../rtsp/depacketize.js';
import { RtspFailure } from '../rtsp/failure.js';
import { GopCache } from './gop-cache.js';

export type { AccessUnit };

export interface StreamConsumer {
  /** Each picture in order, starting with the cached GOP (a keyframe first). Must not throw for long work: copy and return. */
  onUnit(au: AccessUnit): void;
  /** The camera session failed or ended; the stream retries by itself while consumers remain. */
  onDown?(failure: Failure): void;
}

export interface StreamSubscription {
  close(): void;
}

export interface SharedStreamContext {
  /** For logs: "cameraId/main". */
  name: string;
  /** Resolved at each (re)connect; may carry credentials (they never leave this process). */
  url: () => Promise<string> | string;
  /** For an rtsps:// URL: how the camera's certificate is checked. */
  tls?: RtspTlsOptions;
  /** Connect and per-request timeout, seconds. */
  timeoutS: number;
  /** No picture for this long: the session is dropped and opened again. */
  stallTimeoutS: number;
  lingerMs: number;
  restartMinMs: number;
  restartMaxMs: number;
  log: Logger;
}

export type StreamState = 'idle' | 'connecting' | 'live' | 'retrying';

export interface StreamStats {
  name: string;
  state: StreamState;
  consumers: number;
  /** RTSP sessions open to the camera now (0 or 1) and at most at once. */
  sessionsOpen: number;
  sessionsMax: number;
  /** Sessions opened since start (reconnects included). */
  sessionsOpened: number;
  units: number;
  gopUnits: number;
  lastFailure: Failure | null;
}

export class SharedStream {
  private readonly subs = new Set<StreamConsumer>();
  private readonly gop = new GopCache();
  private session: RtspSession | undefined;
  private generation = 0;
  private connecting = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private readonly backoff: Backoff;
  private lastUnitAt = 0;
  private sessionAt = 0;
  private readonly s: StreamStats;

  constructor(private readonly ctx: SharedStreamContext) {
    this.backoff = new Backoff(ctx.restartMinMs, ctx.restartMaxMs, NO_JITTER);
    this.s = {
      name: ctx.name,
      state: 'idle',
      consumers: 0,
      sessionsOpen: 0,
      sessionsMax: 0,
      sessionsOpened: 0,
      units: 0,
      gopUnits: 0,
      lastFailure: null,
    };
  }

  stats(): StreamStats {
    return { ...this.s, consumers: this.subs.size, gopUnits: this.gop.size };
  }

  /** The cached GOP now (keyframe first; empty when no session or no keyframe yet). */
  cachedGop(): AccessUnit[] {
    return this.gop.snapshot();
  }

  /**
   * Adds a consumer. The cached GOP is handed over in a microtask (after this returns, before
   * any newer picture), then every picture as it arrives.
   */
  subscribe(c: StreamConsumer): StreamSubscription {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    let ready = false;
    let closed = false;
    const pending: AccessUnit[] = [];
    const wrapped: StreamConsumer = {
      onUnit: (au) => {
        if (ready) c.onUnit(au);
        else pending.push(au);
      },
      onDown: (f) => c.onDown?.(f),
    };
    const cached = this.gop.snapshot();
    this.subs.add(wrapped);
    queueMicrotask(() => {
      if (closed) return;
      for (const au of [...cached, ...pending]) this.deliver(c, au);
      ready = true;
    });
    if (!this.session && !this.connecting && !this.retryTimer) void this.connect();
    return {
      close: () => {
        if (closed) return;
        closed = true;
        this.subs.delete(wrapped);
        if (this.subs.size === 0) this.scheduleLinger();
      },
    };
  }

  /** Closes the session now, whatever the consumers (the room's stop). */
  async stop(): Promise<void> {
    this.subs.clear();
    await this.shutdown();
  }

  private deliver(c: StreamConsumer, au: AccessUnit): void {
    try {
      c.onUnit(au);
    } catch (err) {
      this.ctx.log.error({ stream: this.ctx.name, err: errMessage(err) }, 'stream consumer failed');
    }
  }

  private scheduleLinger(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.subs.size === 0) void this.shutdown();
    }, this.ctx.lingerMs);
    this.lingerTimer.unref();
  }

  private async shutdown(): Promise<void> {
    this.generation++;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.lingerTimer = this.retryTimer = this.watchdog = undefined;
    this.gop.clear();
    this.s.state = 'idle';
    const session = this.session;
    this.session = undefined;
    if (session) {
      this.s.sessionsOpen = 0;
      await session.close();
    }
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.connecting = true;
    this.s.state = 'connecting';
    this.sessionAt = Date.now();
    let session: RtspSession;
    try {
      const url = await this.ctx.url();
      this.ctx.log.debug({ stream: this.ctx.name, url: redactUrl(url) }, 'opening the camera stream');
      session = await openRtsp({
        url,
        tls: this.ctx.tls,
        timeoutS: this.ctx.timeoutS,
        onUnit: (au) => {
          if (gen === this.generation) this.unit(au);
        },
        onEnd: (f) => {
          if (gen === this.generation) this.down(f);
        },
      });
    } catch (err) {
      this.connecting = false;
      if (gen !== this.generation) return this.resume();
      const failure =
        err instanceof RtspFailure
          ? err.failure
          : ((err as { failure?: Failure }).failure ?? {
              reason: 'unreachable' as const,
              message: `cannot resolve the stream URL: ${errMessage(err)}`,
            });
      this.down(failure);
      return;
    }
    this.connecting = false;
    if (gen !== this.generation) {
      await session.close(); // stopped while connecting
      return this.resume();
    }
    this.session = session;
    this.s.sessionsOpened++;
    this.s.sessionsOpen = 1;
    this.s.sessionsMax = Math.max(this.s.sessionsMax, 1);
    this.lastUnitAt = 0;
    const every = Math.max(200, Math.min(1000, (this.ctx.stallTimeoutS * 1000) / 4));
    this.watchdog = setInterval(() => this.checkStall(gen), every);
    this.watchdog.unref();
  }

  /** Consumers that joined while a superseded connect was under way still need a session. */
  private resume(): void {
    if (this.subs.size > 0 && !this.session && !this.connecting && !this.retryTimer && !this.lingerTimer) void this.connect();
  }

  private unit(au: AccessUnit): void {
    this.lastUnitAt = Date.now();
    this.s.units++;
    if (this.s.state !== 'live') {
      this.s.state = 'live';
      this.backoff.reset();
    }
    this.gop.push(au);
    for (const c of this.subs) this.deliver(c, au);
  }

  private checkStall(gen: number): void {
    if (gen !== this.generation || !this.session) return;
    const first = this.lastUnitAt === 0;
    const silentMs = Date.now() - (first ? this.sessionAt : this.lastUnitAt);
    const limitS = first ? Math.max(this.ctx.stallTimeoutS, this.ctx.timeoutS) : this.ctx.stallTimeoutS;
    if (silentMs > limitS * 1000)
      this.down({
        reason: first ? 'timeout' : 'stalled',
        message: first ? `no picture within ${limitS} s of connecting` : `no picture for ${limitS} s (camera frozen or network stalled)`,
      });
  }

  /** The session failed or ended: tell the consumers, retry with backoff while any remain. */
  private down(failure: Failure): void {
    this.generation++;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
    const session = this.session;
    this.session = undefined;
    this.s.sessionsOpen = 0;
    if (session) void session.close();
    this.gop.clear(); // stale pictures must not greet the next consumer
    this.s.lastFailure = failure;
    for (const c of this.subs) c.onDown?.(failure);
    if (this.subs.size === 0) {
      this.s.state = 'idle';
      return;
    }
    this.s.state = 'retrying';
    const delay = this.backoff.next();
    this.ctx.log.debug({ stream: this.ctx.name, reason: failure.reason, delayMs: delay }, 'camera stream down; reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.subs.size > 0) void this.connect();
      else this.s.state = 'idle';
    }, delay);
    this.retryTimer.unref();
  }
}
