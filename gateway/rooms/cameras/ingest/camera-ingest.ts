import type { Logger } from '../../../core/logger.js';
import { analysisArgs } from '../../../lib/ffmpeg/args.js';
import { classifyFailure, type Failure } from '../../../lib/ffmpeg/errors.js';
import { FrameAssembler } from '../../../lib/ffmpeg/frame-assembler.js';
import { runFfmpeg, type FfmpegRun } from '../../../lib/ffmpeg/process.js';
import { FramePool } from '../../../lib/frames/pool.js';
import { backoffDelay, NO_JITTER } from '../../../core/backoff.js';
import { errMessage } from '../../../core/errors.js';
import { feedDecoder, type PictureSource } from '../../../lib/stream/decoder-feed.js';

export type IngestState = 'starting' | 'online' | 'offline' | 'stopped';

export interface IngestStats {
  framesIn: number;
  restarts: number;
  lastFrameAt: number | null;
  state: IngestState;
  reason: string | null;
}

export interface CameraIngestContext {
  cameraId: string;
  /**
   * The camera's pictures from the stream hub (one RTSP session shared with live view, GB/T 28181
   * and snapshots); the decoder reads them on stdin, so no URL or password is on its command line.
   */
  stream: PictureSource;
  width: number;
  height: number;
  fps: number;
  threads: number;
  stallTimeoutS: number;
  /** Grace for the first frame of each run. */
  connectTimeoutS: number;
  restartMinMs: number;
  restartMaxMs: number;
  log: Logger;
  /** A full frame in a pooled buffer; the ingest releases it after this returns. */
  onFrame(buf: Buffer, pool: FramePool, ts: number): void;
  /** online after the first frame of a run, offline when a run ends or stalls (with why). */
  onState(state: 'online' | 'offline', failure: Failure | null): void;
}

/**
 * One camera's analysis decoder (an ffmpeg reading the camera's shared stream on stdin), kept
 * alive: a run ends when the stream reports the camera down or ffmpeg exits, or when no frame
 * arrived for stallTimeoutS, and starts again with backoff (the stream reconnects by itself).
 * The first ffmpeg of a run starts with the first picture (a keyframe), so an offline camera
 * costs no process. A camera never blocks another: each has its own process, pool and timers.
 */
export class CameraIngest {
  readonly pool: FramePool;
  private run: FfmpegRun | undefined;
  private assembler: FrameAssembler | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private attempt = 0;
  private runStartedAt = 0;
  private killedFor: Failure | null = null;
  /** Ends a hub run that has no decoder yet (no picture came). */
  private cancel: ((f: Failure) => void) | undefined;
  private active = false;
  private stopped = true;
  private online = false;
  private readonly stats: IngestStats = { framesIn: 0, restarts: 0, lastFrameAt: null, state: 'stopped', reason: null };

  constructor(private readonly ctx: CameraIngestContext) {
    this.pool = new FramePool(ctx.width * ctx.height * 3);
  }

  get frameBytes(): number {
    return this.ctx.width * this.ctx.height * 3;
  }

  snapshot(): IngestStats {
    return { ...this.stats };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stats.state = 'starting';
    const checkEvery = Math.max(200, Math.min(1000, (this.ctx.stallTimeoutS * 1000) / 4));
    this.watchdog = setInterval(() => this.checkStall(), checkEvery);
    this.watchdog.unref();
    void this.spawn();
  }

  /** Kills ffmpeg and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stats.state = 'stopped';
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.cancel?.({ reason: 'exited', message: 'stopped' });
    const run = this.run;
    if (run) {
      run.kill();
      await run.exited;
    }
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    this.active = true;
    try {
      await this.spawnFromStream(this.ctx.stream);
    } finally {
      this.active = false;
    }
  }

  /** One run fed by the stream hub: the decoder starts with the first picture (a keyframe). */
  private async spawnFromStream(stream: PictureSource): Promise<void> {
    this.killedFor = null;
    this.runStartedAt = Date.now();
    const assembler = new FrameAssembler({
      frameBytes: this.frameBytes,
      acquire: () => this.pool.acquire(),
      onFrame: (buf) => this.frame(buf),
    });
    this.assembler = assembler;
    let run: FfmpegRun | undefined;
    let resolveEnd!: (f: Failure) => void;
    const end = new Promise<Failure>((r) => (resolveEnd = r));
    this.cancel = (f) => resolveEnd(f);
    const feed = feedDecoder(stream, {
      onDown: (f) => this.kill(f),
      onFirst: (au) => {
        if (this.stopped || this.killedFor) return;
        const spec = analysisArgs({
          url: 'pipe:0',
          pipe: au.codec,
          width: this.ctx.width,
          height: this.ctx.height,
          fps: this.ctx.fps,
          threads: this.ctx.threads,
          ioTimeoutS: 1,
        });
        run = runFfmpeg(spec, {
          stdin: feed.stdin,
          onData: (chunk) => {
            if (this.assembler === assembler && !this.killedFor) assembler.push(chunk);
          },
        });
        this.run = run;
        void run.exited.then((exit) => resolveEnd(this.killedFor ?? classifyFailure(exit.stderr, exit)));
      },
    });
    let failure = await end;
    feed.close();
    this.cancel = undefined;
    const r = run as FfmpegRun | undefined;
    if (r) {
      r.kill();
      await r.exited;
    }
    if (this.run === r) this.run = undefined;
    const partial = assembler.takePartial();
    if (partial) this.pool.release(partial);
    if (this.assembler === assembler) this.assembler = undefined;
    if (this.stopped) return;
    failure = this.killedFor ?? failure;
    this.ended(failure);
  }

  private frame(buf: Buffer): void {
    const ts = Date.now();
    this.stats.framesIn++;
    this.stats.lastFrameAt = ts;
    if (!this.online) {
      this.online = true;
      this.attempt = 0;
      this.stats.state = 'online';
      this.stats.reason = null;
      this.ctx.onState('online', null);
    }
    try {
      this.ctx.onFrame(buf, this.pool, ts);
    } catch (err) {
      this.ctx.log.error({ cameraId: this.ctx.cameraId, err: errMessage(err) }, 'frame handler failed');
    } finally {
      this.pool.release(buf);
    }
  }

  private kill(why: Failure): void {
    if (this.killedFor) return;
    this.killedFor = why;
    this.run?.kill();
    this.cancel?.(why);
  }

  private checkStall(): void {
    if (this.stopped || !this.active || this.killedFor) return;
    const first = this.stats.lastFrameAt === null || this.stats.lastFrameAt < this.runStartedAt;
    const silentMs = Date.now() - (first ? this.runStartedAt : (this.stats.lastFrameAt as number));
    const limitS = first ? Math.max(this.ctx.connectTimeoutS, this.ctx.stallTimeoutS) : this.ctx.stallTimeoutS;
    if (silentMs > limitS * 1000) {
      this.kill({
        reason: first ? 'timeout' : 'stalled',
        message: first ? `no frame within ${limitS} s of connecting` : `no frame for ${limitS} s (camera frozen or network stalled)`,
      });
    }
  }

  private ended(failure: Failure): void {
    this.stats.reason = failure.message;
    const wasOnline = this.online || this.stats.state === 'starting';
    this.online = false;
    this.stats.state = 'offline';
    if (wasOnline) this.ctx.onState('offline', failure);
    const delay = backoffDelay(this.attempt++, this.ctx.restartMinMs, this.ctx.restartMaxMs, NO_JITTER);
    this.stats.restarts++;
    this.ctx.log.debug({ cameraId: this.ctx.cameraId, reason: failure.reason, delayMs: delay }, 'ffmpeg ended; restarting');
    this.restartTimer = setTimeout(() => void this.spawn(), delay);
    this.restartTimer.unref();
  }
}
