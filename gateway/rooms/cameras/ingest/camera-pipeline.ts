import type { Logger } from '../../../core/logger.js';
import type { Failure } from '../../../lib/ffmpeg/errors.js';
import type { Frame } from '../../../lib/frames/frame.js';
import type { FrameHub } from '../../../lib/frames/hub.js';
import type { FramePool } from '../../../lib/frames/pool.js';
import { MotionDetector, type MotionSettings } from '../motion/detector.js';
import { CameraIngest, type IngestStats } from './camera-ingest.js';
import { SharedStream } from '../../../lib/stream/shared-stream.js';
import type { PictureSource } from '../../../lib/stream/decoder-feed.js';

export interface CameraCounters extends IngestStats {
  cameraId: string;
  /** Frames the motion detector looked at. */
  analysed: number;
  /** Frames with motion in a region of interest, handed to recognition. */
  passed: number;
  /** Gated frames replaced by a newer one before a busy subscriber took them. */
  dropped: number;
  /** passed / analysed. */
  motionRatio: number;
}

export interface CameraPipelineContext {
  cameraId: string;
  /** The camera's stream from the room's stream hub (shared with live view, GB/T 28181, snapshots). */
  stream?: PictureSource;
  /** Without `stream`: the pipeline pulls this URL through a stream of its own. */
  url?: () => Promise<string> | string;
  analysis: { width: number; height: number; fps: number; threads: number };
  motion: MotionSettings;
  stallTimeoutS: number;
  connectTimeoutS: number;
  restartMinMs: number;
  restartMaxMs: number;
  hub: FrameHub;
  log: Logger;
  onState(cameraId: string, state: 'online' | 'offline', failure: Failure | null): void;
}

/**
 * One camera from ffmpeg to the frame hub: ingest → motion gate → hub. Keeps the newest frame
 * (whether or not it had motion) for snapshots.
 */
export class CameraPipeline {
  private readonly ingest: CameraIngest;
  private readonly detector: MotionDetector;
  private analysed = 0;
  private passed = 0;
  private seq = 0;
  private latest: { frame: Frame; pool: FramePool } | undefined;
  private readonly own: SharedStream | undefined;

  constructor(private readonly ctx: CameraPipelineContext) {
    const { width, height } = ctx.analysis;
    this.detector = new MotionDetector(ctx.motion, width, height);
    if (!ctx.stream && !ctx.url) throw new Error(`camera ${ctx.cameraId}: a stream or a URL is needed`);
    if (!ctx.stream && ctx.url)
      this.own = new SharedStream({
        name: `${ctx.cameraId}/analysis`,
        url: ctx.url,
        timeoutS: Math.max(2, Math.min(ctx.connectTimeoutS, 10)),
        stallTimeoutS: ctx.stallTimeoutS,
        lingerMs: 0,
        restartMinMs: ctx.restartMinMs,
        restartMaxMs: ctx.restartMaxMs,
        log: ctx.log,
      });
    this.ingest = new CameraIngest({
      cameraId: ctx.cameraId,
      stream: (ctx.stream ?? this.own) as PictureSource,
      ...ctx.analysis,
      stallTimeoutS: ctx.stallTimeoutS,
      connectTimeoutS: ctx.connectTimeoutS,
      restartMinMs: ctx.restartMinMs,
      restartMaxMs: ctx.restartMaxMs,
      log: ctx.log,
      onFrame: (buf, pool, ts) => this.onFrame(buf, pool, ts),
      onState: (state, failure) => ctx.onState(ctx.cameraId, state, failure),
    });
  }

  get cameraId(): string {
    return this.ctx.cameraId;
  }

  start(): void {
    this.ingest.start();
  }

  async stop(): Promise<void> {
    await this.ingest.stop();
    await this.own?.stop();
    if (this.latest) this.latest.pool.release(this.latest.frame.data);
    this.latest = undefined;
  }

  /** A copy of the newest frame, whatever its motion (for snapshots), or undefined before the first. */
  latestFrame(): Frame | undefined {
    if (!this.latest) return undefined;
    return { ...this.latest.frame, data: Buffer.from(this.latest.frame.data) };
  }

  counters(): CameraCounters {
    return {
      cameraId: this.ctx.cameraId,
      ...this.ingest.snapshot(),
      analysed: this.analysed,
      passed: this.passed,
      dropped: this.ctx.hub.droppedFor(this.ctx.cameraId),
      motionRatio: this.analysed ? Math.round((this.passed / this.analysed) * 1000) / 1000 : 0,
    };
  }

  private onFrame(buf: Buffer, pool: FramePool, ts: number): void {
    const { width, height } = this.ctx.analysis;
    this.analysed++;
    const m = this.detector.detect(buf);
    const frame: Frame = {
      cameraId: this.ctx.cameraId,
      width,
      height,
      format: 'rgb24',
      data: buf,
      ts,
      seq: ++this.seq,
      motionRoi: m.roi,
      regions: m.regions,
    };
    pool.retain(buf);
    if (this.latest) this.latest.pool.release(this.latest.frame.data);
    this.latest = { frame, pool };
    if (m.motion) {
      this.passed++;
      this.ctx.hub.publish(frame, pool);
    }
  }
}
