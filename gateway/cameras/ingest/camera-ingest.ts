import type { Logger } from '../../core/logger.js';
import { analysisArgs, redactUrl, SUPPORTED_CODECS, videoCodecOf } from '../ffmpeg/args.js';
import { classifyFailure, type Failure } from '../ffmpeg/errors.js';
import { FrameAssembler } from '../ffmpeg/frame-assembler.js';
import { runFfmpeg, type FfmpegRun } from '../ffmpeg/process.js';
import { FramePool } from '../frames/pool.js';
import { backoffDelay, NO_JITTER } from '../../core/backoff.js';
import { errMessage } from '../../core/errors.js';

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
  /** Resolves the URL to read at each (re)start (ONVIF cameras may change it); may include credentials. */
  url: () => Promise<string> | string;
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
 * One camera's ffmpeg, kept alive: restarted with backoff when it exits (ffmpeg exits 0 when
 * a camera dies) and killed when no frame arrived for stallTimeoutS (a frozen camera makes
 * ffmpeg hang). A camera never blocks another: each has its own process, pool and timers.
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
    const run = this.run;
    if (run) {
      run.kill();
      await run.exited;
    }
  }

  private async spawn(): Promise<void> {
    if (this.stopped) return;
    let url: string;
    try {
      url = await this.ctx.url();
    } catch (err) {
      // A source may throw an error carrying its own Failure (e.g. ONVIF: unauthorised).
      const failure = (err as { failure?: Failure }).failure;
      this.ended(failure ?? { reason: 'unreachable', message: `cannot resolve the stream URL: ${errMessage(err)}` });
      return;
    }
    if (this.stopped) return;
    const { cameraId, log } = this.ctx;
    const spec = analysisArgs({
      url,
      width: this.ctx.width,
      height: this.ctx.height,
      fps: this.ctx.fps,
      threads: this.ctx.threads,
      ioTimeoutS: Math.max(1, this.ctx.stallTimeoutS / 2),
    });
    this.killedFor = null;
    this.runStartedAt = Date.now();
    const assembler = new FrameAssembler({
      frameBytes: this.frameBytes,
      acquire: () => this.pool.acquire(),
      onFrame: (buf) => this.frame(buf),
    });
    this.assembler = assembler;
    log.debug({ cameraId, url: redactUrl(url) }, 'starting ffmpeg');
    let codecSeen = false;
    const run = runFfmpeg(spec, {
      onData: (chunk) => {
        // Nothing from a run being killed (e.g. an unsupported codec) reaches the consumers.
        if (this.assembler === assembler && !this.killedFor) assembler.push(chunk);
      },
      onStderr: (line) => {
        // The input's stream line comes first; later ones describe the rawvideo output.
        const codec = codecSeen ? undefined : videoCodecOf(line);
        if (codec) codecSeen = true;
        if (codec && !(SUPPORTED_CODECS as readonly string[]).includes(codec) && !this.killedFor) {
          this.kill({ reason: 'unsupported-codec', message: `the camera sends ${codec}; only H.264 and H.265 are supported` });
        }
      },
    });
    this.run = run;
    const exit = await run.exited;
    if (this.run === run) this.run = undefined;
    const partial = assembler.takePartial();
    if (partial) this.pool.release(partial);
    if (this.assembler === assembler) this.assembler = undefined;
    if (this.stopped) return;
    let failure = this.killedFor ?? classifyFailure(exit.stderr, exit);
    // ffmpeg's own socket timeout may fire before the watchdog: after frames, that is a stall.
    if (failure.reason === 'timeout' && (this.stats.lastFrameAt ?? 0) >= this.runStartedAt)
      failure = { reason: 'stalled', message: `the stream stalled: ${failure.message}` };
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
    this.killedFor = why;
    this.run?.kill();
  }

  private checkStall(): void {
    if (this.stopped || !this.run || this.killedFor) return;
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
