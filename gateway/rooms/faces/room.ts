/**
 * The faces room: residents' index (SQLite + incremental reload), the `residents/*` actions,
 * and recognition over camera frames, publishing `face.recognized` / `face.unknown` (with a
 * crop snapshot), which the access room acts on.
 *
 * Frames come from the cameras room's frame hub (handed over by the controller) or are pushed
 * with `onFrame`. Face crops go to the cameras room's snapshot store (one store, one
 * retention policy).
 */
import type { GatewayContext } from '../../core/context.js';
import { componentLogger, RateLimitedLog, type Logger } from '../../core/logger.js';
import type { ActionTable } from '../../core/actions.js';
import type { Room, Scope } from '../../core/room.js';
import type { FacesConfig } from '../../config/sections/faces.js';
import { registerResidentActions } from './actions.js';
import { Identities } from './identities.js';
import { FaceModels, faceModelsPrepared } from './models.js';
import { FacePipeline } from './pipeline.js';
import { streamOptions, pipelineOptions } from './settings.js';
import { ResidentStore } from './store/resident-store.js';
import { FaceStream, type FaceFrame, type TrackOutcome } from './stream/face-stream.js';
import type { FrameSource } from '../../lib/frames/hub.js';
import type { Snapshots } from '../../lib/snapshots/store.js';
import { cameraRegions } from '../../config/camera-regions.js';
import type { CameraRegionsOf } from '../cameras/services.js';
import { cameraIdsOf } from '../../config/sections/cameras.js';
import type { Rect } from '../../config/sections/rect.js';
import { RETENTION_SWEEP_MS, VisitorRetention } from './visitors/retention.js';
import type { AccessGroups, Admissions } from '../access/services.js';
import { enrolResident } from './enrolment.js';
import type { PhotoResident, ResidentEnrolment } from './services.js';
import { Learner } from './learner.js';
import { LearnedTemplates } from './store/learned-store.js';

export type { PhotoResident, ResidentEnrolment } from './services.js';

export class FacesRoom implements Room, ResidentEnrolment {
  readonly name = 'faces';
  private readonly cfg: FacesConfig;
  private readonly log: Logger;
  private readonly warnings: RateLimitedLog;
  readonly store: ResidentStore;
  readonly identities: Identities;
  /** Who each camera's gates admit (the access room's groups). */
  private readonly admissions: Admissions;
  private readonly groups: AccessGroups;
  /** Camera id → the gates it recognises faces for (access.points). */
  private readonly gatesOf = new Map<string, string[]>();
  private models: FaceModels | undefined;
  private pipelineReady: Promise<FacePipeline> | undefined;
  private stream: FaceStream | undefined;
  private readonly snapshots: Snapshots;
  readonly learned: LearnedTemplates;
  /** Templates learned at the gate (faces.learning). */
  readonly learner: Learner;
  private subscription: { close(): void } | undefined;
  private readonly source: FrameSource | undefined;
  private readonly regions: CameraRegionsOf;
  private busy = false;
  private pending: FaceFrame | undefined;
  /** The frame being handled (stop waits for it: its decision and snapshot are not cut off). */
  private handling: Promise<void> | undefined;
  private running = false;
  readonly stats = { frames: 0, dropped: 0, recognized: 0, unknown: 0 };

  constructor(
    private readonly ctx: GatewayContext,
    deps: { frames?: FrameSource; snapshots: Snapshots; regions?: CameraRegionsOf; groups: AccessGroups },
  ) {
    this.cfg = ctx.loaded.config.faces;
    this.log = componentLogger(ctx.log, 'faces');
    this.warnings = new RateLimitedLog(this.log);
    this.store = new ResidentStore({ db: ctx.db });
    this.identities = new Identities({ store: this.store });
    this.groups = deps.groups;
    this.admissions = deps.groups.admissions();
    for (const p of ctx.loaded.config.access.points)
      if (p.via === 'face') this.gatesOf.set(p.camera, [...(this.gatesOf.get(p.camera) ?? []), p.gate]);
    this.source = deps.frames;
    this.snapshots = deps.snapshots;
    this.regions = deps.regions ?? { regionsOf: (id) => cameraRegions(ctx.loaded.config, id) };
    this.learned = new LearnedTemplates(this.store);
    this.learner = new Learner({
      options: this.cfg.learning,
      store: this.learned,
      gatesOf: this.gatesOf,
      audit: (entry) => ctx.audit.record(entry),
      log: this.log,
    });
  }

  registerActions(actions: ActionTable): void {
    registerResidentActions(actions, this.cfg, () => ({
      store: this.store,
      groups: this.groups,
      identities: this.identities,
      pipeline: () => this.pipeline(),
    }));
  }

  /** The loaded pipeline (models load in the background after start). */
  pipeline(): Promise<FacePipeline> {
    if (!this.cfg.enabled) return Promise.reject(new Error('face recognition is disabled (faces.enabled: false)'));
    if (!this.pipelineReady) return Promise.reject(new Error('the faces room is not running'));
    return this.pipelineReady;
  }

  isEnrolled(residentId: string): boolean {
    return this.store.get(residentId) !== undefined;
  }

  async enrolFromPhotos(resident: PhotoResident, signal?: AbortSignal): Promise<{ id: string; name: string }> {
    const pipeline = await untilAborted(this.pipeline(), signal);
    const r = await enrolResident(
      { pipeline, store: this.store },
      { id: resident.id, name: resident.name, photos: resident.photos.map((p) => ({ input: p, source: p })) },
    );
    this.identities.refresh();
    return { id: r.id, name: r.name };
  }

  async start(scope: Scope): Promise<void> {
    const retention = new VisitorRetention({
      events: this.ctx.events,
      store: this.store,
      log: this.log,
      retentionHours: this.cfg.visitors.retentionHours,
    });
    retention.sweep();
    const n = this.identities.loadAll();
    this.rescope(true);
    scope.every(this.cfg.pollMs, () => this.refresh());
    scope.every(RETENTION_SWEEP_MS, () => void (retention.sweep() && this.refresh()));
    if (!this.cfg.enabled) {
      this.log.info({ residents: n }, 'face recognition disabled');
      return;
    }
    this.running = true;
    if (!faceModelsPrepared(this.cfg.liveness.enabled)) {
      this.pipelineReady = Promise.reject(new Error('face models are missing: run `npm run models`'));
      this.pipelineReady.catch(() => undefined);
      this.log.error({ residents: n }, 'face models are missing (run `npm run models`); face recognition stays idle');
      return;
    }
    const models = new FaceModels({ liveness: this.cfg.liveness.enabled });
    this.models = models;
    const pipeline = new FacePipeline({ models, options: pipelineOptions(this.cfg) });
    this.stream = new FaceStream({ pipeline, identities: this.identities, options: streamOptions(this.cfg, this.faceRegions()) });
    this.pipelineReady = models.load().then(() => pipeline);
    this.pipelineReady.then(
      () => this.log.info({ residents: n }, 'face models loaded'),
      (err: unknown) => this.log.error({ err }, 'face models failed to load; face recognition stays idle'),
    );
    scope.every(500, () => this.flush());
    if (this.cfg.learning.enabled) {
      // A person opening or commanding a gate overrides the passages at it: nothing held there is learned.
      scope.on('audit.action', (e) => {
        const gateId = (e.input as { gateId?: unknown } | null)?.gateId;
        if ((e.action === 'gate/open' || e.action === 'gate/command') && e.channel !== 'system' && typeof gateId === 'string')
          this.learner.overridden(gateId);
      });
      scope.every(1000, () => this.learnDue());
    }
    if (this.source) this.consume(this.source);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.subscription?.close();
    this.subscription = undefined;
    await this.handling;
    await this.models?.close();
  }

  /** Consumes the frame source until stop. */
  private consume(source: FrameSource): void {
    if (!this.running || this.subscription) return;
    const cameras = this.cfg.cameras;
    const sub = source.subscribe(cameras.length ? { cameras } : {});
    this.subscription = sub;
    void (async () => {
      try {
        for await (const frame of sub) {
          if (!this.running) break;
          await (this.handling = this.handle(frame));
        }
      } catch (err) {
        this.log.error({ err }, 'frame subscription failed');
      }
    })();
  }

  /** Push one frame; while a frame is being processed, only the newest waiting one is kept (copied). */
  async onFrame(frame: FaceFrame): Promise<void> {
    if (!this.running) return;
    if (this.busy) {
      if (this.pending) this.stats.dropped++;
      this.pending = { ...frame, data: Uint8Array.from(frame.data) };
      return;
    }
    this.busy = true;
    try {
      let next: FaceFrame | undefined = frame;
      while (next) {
        await (this.handling = this.handle(next));
        next = this.pending;
        this.pending = undefined;
      }
    } finally {
      this.busy = false;
    }
  }

  private async handle(frame: FaceFrame): Promise<void> {
    if (!this.stream) return;
    const cams = this.cfg.cameras;
    if (cams.length && !cams.includes(frame.cameraId)) return;
    try {
      await this.pipelineReady;
      this.stats.frames++;
      const outcomes = await this.stream.process(frame);
      for (const o of outcomes) await this.record(o);
    } catch (err) {
      this.warnings.warn({ cameraId: frame.cameraId, err }, 'face recognition failed on a frame');
    }
  }

  /** Per camera, where faces are searched (cameras.list[].regions.faces). */
  private faceRegions(): Map<string, Rect> {
    const config = this.ctx.loaded.config;
    const rois = new Map<string, Rect>();
    for (const id of cameraIdsOf(config.cameras)) {
      const r = this.regions.regionsOf(id).faces;
      if (r) rois.set(id, r);
    }
    return rois;
  }

  private async flush(): Promise<void> {
    if (!this.stream) return;
    for (const o of this.stream.flush(Date.now()))
      await this.record(o).catch((err: unknown) => this.log.error({ err }, 'recording a face decision failed'));
  }

  /**
   * Each camera's 1:N search covers only the people its gates admit (access groups): a unit
   * door tells apart its building's residents, not the whole community's.
   */
  private rescope(force: boolean): void {
    const changed = this.admissions.refresh();
    if (!changed && !force) return;
    const scopes = new Map<string, ReadonlySet<string> | null>();
    for (const [cam, gates] of this.gatesOf) scopes.set(cam, this.admissions.allowedAt(gates, this.identities.people()));
    this.identities.setScopes(scopes);
    const sizes = [...scopes.keys()].map((cam) => `${cam}: ${this.identities.sizeFor(cam)}`);
    if (changed && this.admissions.groupCount) this.log.info({ galleries: sizes.join(', ') }, 'access groups loaded: per-camera galleries');
  }

  private refresh(): void {
    try {
      const changed = this.identities.refresh();
      this.rescope(changed.length > 0);
      if (changed.length) this.log.info({ changed: changed.length, residents: this.identities.size }, 'residents reloaded');
    } catch (err) {
      this.warnings.warn({ err }, 'residents reload failed');
    }
  }

  /**
   * Learns the captures whose passage closed by `now` (frame clock) without a person acting on
   * the gate (every second while faces.learning is on; tests call it with their frames' clock).
   */
  learnDue(now = Date.now()): void {
    const stream = this.stream;
    if (!stream || this.learner.waiting === 0) return;
    try {
      const done = this.learner.commitDue(now, (cam, track) => stream.isLive(cam, track));
      if (done.some((d) => d.outcome.added)) this.refresh();
    } catch (err) {
      this.warnings.warn({ err }, 'learning a template failed');
    }
  }

  private async record(o: TrackOutcome): Promise<void> {
    let snapshotId: string | null = null;
    if (o.crop && o.crop.width > 0 && o.crop.height > 0) {
      try {
        const crop = o.crop;
        snapshotId = (
          await this.snapshots.save({
            cameraId: o.cameraId,
            width: crop.width,
            height: crop.height,
            data: Buffer.from(crop.data.buffer, crop.data.byteOffset, crop.data.byteLength),
            ts: o.ts,
            seq: o.trackId,
          })
        ).id;
      } catch (err) {
        this.warnings.warn({ err }, 'face snapshot not saved');
      }
    }
    const box = { x1: Math.round(o.box.x1), y1: Math.round(o.box.y1), x2: Math.round(o.box.x2), y2: Math.round(o.box.y2) };
    const common = {
      cameraId: o.cameraId,
      trackId: o.trackId,
      frames: o.decision.frames,
      snapshotId,
      box,
      firstSeen: new Date(o.firstTs).toISOString(),
    };
    const d = o.decision;
    const ts = new Date(o.ts);
    if (d.kind === 'recognized')
      this.ctx.events.publish(
        'face.recognized',
        {
          ...common,
          residentId: d.residentId,
          name: d.name,
          similarity: d.similarity,
          threshold: d.threshold,
          ...this.identities.pass(d.residentId),
        },
        { ts },
      );
    else
      this.ctx.events.publish(
        'face.unknown',
        { ...common, reason: d.reason, similarity: d.similarity, bestResidentId: d.bestResidentId },
        { ts },
      );
    if (d.kind === 'recognized') this.learner.offer(o, this.identities.pass(d.residentId).kind);
    if (d.kind === 'recognized') this.stats.recognized++;
    else this.stats.unknown++;
    this.log.info(
      {
        cameraId: o.cameraId,
        trackId: o.trackId,
        kind: d.kind,
        residentId: d.kind === 'recognized' ? d.residentId : null,
        similarity: d.similarity,
      },
      'face decided',
    );
  }
}

/** `p`, or the abort reason of `signal` if it aborts first (the listener is removed either way). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort as () => void));
}
