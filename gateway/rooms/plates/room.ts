/**
 * The plates room: reads plates in camera frames, settles one plate per tracked vehicle,
 * matches known vehicles, and publishes `plate.recognized`. It also owns the `vehicles/*`
 * actions. While a frame of a camera is being read, newer frames of that camera are dropped.
 */
import type { GatewayContext } from '../../core/context.js';
import type { ActionTable } from '../../core/actions.js';
import type { Room, Scope } from '../../core/room.js';
import { errMessage } from '../../core/errors.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import type { RgbImage } from '../../lib/imaging/image.js';
import type { Snapshots } from '../../lib/snapshots/store.js';
import { InferenceWorker, StaleFrameError } from '../../lib/inference/inference-worker.js';
import { modelsPrepared } from '../../lib/inference/models.js';
import type { PlatesConfig } from '../../config/sections/plates.js';
import { KnownVehicles } from './known-vehicles.js';
import { PlateReadStore } from './read-store.js';
import { registerVehicleActions } from './vehicle-actions.js';
import { PlateReader, type PlateResult } from './plate-reader.js';
import { readerOptions } from './reader-options.js';
import { consensusOptions, iou, PlateTracker, type Consensus, type Track } from './consensus.js';
import { PATCH_CHANGED, patchDifference, patchSignature } from './plate-patch.js';
import { DET_FILE } from './detector.js';
import { REC_FILE, REC_KEYS } from './recognizer.js';
import type { PlateColour } from './dataset.js';
import type { FrameSource } from '../../lib/frames/hub.js';
import { cameraRegions } from '../../config/camera-regions.js';
import type { CameraRegionsOf } from '../cameras/services.js';
import { rectToPixels } from '../../config/sections/rect.js';

/** What the room needs of a camera frame (the cameras room's Frame fits). */
export interface PlateFrame {
  cameraId: string;
  ts: number;
  width: number;
  height: number;
  data: Uint8Array;
  /** Where the motion gate saw motion (pixels), if it did. */
  motionRoi?: { x: number; y: number; width: number; height: number } | null;
}

interface Best {
  result: PlateResult;
  frame: RgbImage;
  ts: number;
}

/**
 * Frames come from the cameras room's hub (handed over by the controller) or are pushed with
 * `onFrame`; pictures go to the cameras room's snapshot store (one store, one retention policy).
 */
export class PlatesRoom implements Room {
  readonly name = 'plates';
  readonly vehicles: KnownVehicles;
  private readonly cfg: PlatesConfig;
  private readonly log: Logger;
  private worker: InferenceWorker | undefined;
  private reader: PlateReader | undefined;
  private reads: PlateReadStore | undefined;
  private readonly tracker: PlateTracker;
  private readonly busy = new Set<string>();
  private readonly best = new Map<number, Best>();
  /** Per track, the signature of the picture at its plate when it was last read. */
  private readonly patches = new Map<number, Float32Array>();
  private readonly stopping = new AbortController();
  private consuming: Promise<void> | undefined;
  private readonly pictures: Snapshots | undefined;
  private readonly source: FrameSource | undefined;
  private readonly regions: CameraRegionsOf;

  constructor(
    private readonly ctx: GatewayContext,
    deps: { frames?: FrameSource; snapshots?: Snapshots; regions?: CameraRegionsOf } = {},
  ) {
    this.cfg = ctx.loaded.config.plates;
    this.log = componentLogger(ctx.log, 'plates');
    this.vehicles = new KnownVehicles({ db: ctx.db, events: ctx.events });
    this.tracker = new PlateTracker(consensusOptions(this.cfg.consensus));
    this.source = deps.frames;
    this.pictures = deps.snapshots;
    this.regions = deps.regions ?? { regionsOf: (id) => cameraRegions(ctx.loaded.config, id) };
  }

  registerActions(actions: ActionTable): void {
    registerVehicleActions(actions, this.vehicles);
  }

  async start(scope: Scope): Promise<void> {
    if (!this.cfg.enabled) return;
    this.reads = new PlateReadStore(this.ctx.db);
    if (!modelsPrepared([DET_FILE, REC_FILE, REC_KEYS])) {
      this.log.error({ models: [DET_FILE, REC_FILE] }, 'plate models missing: run `npm run models`; plate recognition is off');
      return;
    }
    this.worker = new InferenceWorker('plates', { maxQueue: 8 });
    this.reader = new PlateReader({ worker: this.worker, options: readerOptions(this.cfg) });
    await this.reader.load();
    scope.every(1000, () => this.expire(Date.now()));
    if (this.source) this.consume(this.source);
  }

  private consume(source: FrameSource): void {
    const sub = source.subscribe({ ...(this.cfg.cameras.length ? { cameras: this.cfg.cameras } : {}), signal: this.stopping.signal });
    this.consuming = (async () => {
      try {
        for await (const frame of sub) {
          if (this.stopping.signal.aborted) break;
          await this.onFrame(frame);
        }
      } catch (err) {
        this.log.error({ err: errMessage(err) }, 'frame subscription failed');
      } finally {
        sub.close();
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consuming;
    this.expire(Number.POSITIVE_INFINITY);
    await this.worker?.close();
    this.worker = undefined;
    this.reader = undefined;
  }

  async onFrame(frame: PlateFrame): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    if (this.cfg.cameras.length > 0 && !this.cfg.cameras.includes(frame.cameraId)) return;
    if (this.busy.has(frame.cameraId)) return; // the detector is busy: drop, never queue
    const img: RgbImage = { width: frame.width, height: frame.height, data: frame.data };
    // A settled vehicle stands still while the picture at its plate is what it was when last read.
    const standsStill = (t: Track) => {
      const seen = this.patches.get(t.id);
      return seen !== undefined && patchDifference(seen, patchSignature(img, t.lastBox)) < PATCH_CHANGED;
    };
    if (!this.tracker.wantsRead(frame.cameraId, frame.ts, frame.motionRoi, standsStill)) {
      this.tracker.touch(frame.cameraId, frame.ts, standsStill);
      return;
    }
    this.busy.add(frame.cameraId);
    try {
      const r = this.regions.regionsOf(frame.cameraId).plates;
      const roi = r ? rectToPixels(r, frame.width, frame.height) : undefined;
      // A decisive read is settled at once, while the rest of the frame is read (a known car's
      // barrier need not wait for the other candidates).
      const early: PlateResult[] = [];
      let earlyTaken: Promise<void> = Promise.resolve();
      const results = await reader.readScene(img, {
        dropKey: frame.cameraId,
        ...(roi ? { roi } : {}),
        onDecisive: (d) => {
          early.push(d);
          earlyTaken = this.take(frame, img, [d]).catch((err: unknown) =>
            this.log.error({ cameraId: frame.cameraId, err: errMessage(err) }, 'publishing a plate failed'),
          );
        },
      });
      await earlyTaken;
      await this.take(
        frame,
        img,
        results.filter((x) => !early.some((d) => iou(d.box, x.box) > 0.5)),
      );
    } catch (err) {
      if (!(err instanceof StaleFrameError)) this.log.error({ cameraId: frame.cameraId, err: errMessage(err) }, 'plate reading failed');
    } finally {
      this.busy.delete(frame.cameraId);
    }
  }

  /** Adds a frame's reads to the tracker, keeps the best frame of each track, publishes what settled. */
  private async take(frame: PlateFrame, img: RgbImage, results: readonly PlateResult[]): Promise<void> {
    const at = new Date(frame.ts);
    const reports = this.tracker.add(
      frame.cameraId,
      results.map((x) => ({
        plate: x.plate,
        colour: x.colour,
        confidence: x.confidence,
        minCharProb: x.minCharProb,
        evidence: x.evidence,
        box: x.box,
      })),
      frame.ts,
      (plate, evidence) => this.vehicles.knownMatch(plate, at, this.cfg.match, evidence),
    );
    // Keep a copy of the best frame of each track (the frame buffer is pooled).
    for (const res of results) {
      const track = this.trackOf(frame.cameraId, res, frame.ts);
      if (track === undefined) continue;
      this.patches.set(track, patchSignature(img, res.box));
      const prev = this.best.get(track);
      if (!prev || res.confidence > prev.result.confidence)
        this.best.set(track, { result: res, frame: { ...img, data: Uint8Array.from(img.data) }, ts: frame.ts });
    }
    for (const { track, consensus } of reports) await this.publish(track, consensus);
  }

  private trackOf(cameraId: string, res: PlateResult, ts: number): number | undefined {
    return this.tracker.trackFor(cameraId, res.plate, res.box, ts)?.id;
  }

  private expire(now: number): void {
    for (const { track, consensus } of this.tracker.expire(now)) {
      void this.publish(track, consensus).catch((err: unknown) => this.log.error({ err: errMessage(err) }, 'publishing a plate failed'));
    }
    for (const id of [...this.best.keys()]) if (!this.tracker.has(id)) this.best.delete(id);
    for (const id of [...this.patches.keys()]) if (!this.tracker.has(id)) this.patches.delete(id);
  }

  private async publish(track: Track, c: Consensus): Promise<void> {
    const { cameraId, id: trackId } = track;
    const best = this.best.get(trackId);
    const match = this.vehicles.match(c.plate, new Date(), this.cfg.match, c.evidence);
    let snapshotId: string | null = null;
    let cropId: string | null = null;
    if (this.cfg.snapshots && best && this.pictures) {
      try {
        const f = best.frame;
        const saved = await this.pictures.save(
          {
            cameraId,
            width: f.width,
            height: f.height,
            data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength),
            ts: best.ts,
            seq: trackId,
          },
          best.result.box,
        );
        snapshotId = saved.id;
        cropId = saved.cropPath ? saved.id : null;
      } catch (err) {
        this.log.warn({ cameraId, err: errMessage(err) }, 'plate snapshot not saved');
      }
    }
    const at = new Date(best?.ts ?? c.best.ts);
    const vehicle = match
      ? {
          plate: match.entry.plate,
          ownerId: match.entry.ownerId,
          kind: match.entry.kind,
          validUntil: match.entry.validUntil,
          distance: match.distance,
        }
      : null;
    const data = {
      cameraId,
      plate: c.plate,
      colour: c.colour as PlateColour,
      confidence: Math.round(c.confidence * 1000) / 1000,
      reads: c.reads,
      box: c.best.box,
      known: match !== undefined,
      vehicle,
      snapshotId,
      cropId,
      at: at.toISOString(),
      firstSeen: new Date(track.firstSeen).toISOString(),
    };
    const reads = this.reads;
    this.ctx.events.publish('plate.recognized', data, {
      ts: at,
      write: (id) =>
        reads?.record(id, {
          at,
          cameraId,
          plate: c.plate,
          colour: c.colour,
          confidence: data.confidence,
          matched: match?.entry.plate ?? null,
          snapshotId,
        }),
    });
    this.log.info({ cameraId, plate: c.plate, known: !!match, reads: c.reads }, 'plate recognised');
  }
}
