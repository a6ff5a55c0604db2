import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { GatewayContext } from '../../core/context.js';
import type { Room, Scope } from '../../core/room.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import { ActionError, type ActionTable } from '../../core/actions.js';
import { errMessage } from '../../core/errors.js';
import { readSecretFile, resolveConfigPath } from '../../config/load.js';
import { ConfigError } from '../../config/errors.js';
import type { CameraConfig, CamerasConfig } from '../../config/sections/cameras.js';
import { withCredentials } from '../../lib/ffmpeg/args.js';
import { SingleFlight } from '../../lib/snapshots/single-flight.js';
import { FrameHub, type FrameSource } from '../../lib/frames/hub.js';
import { CameraPipeline, type CameraCounters } from './ingest/camera-pipeline.js';
import { SnapshotStore, type SavedSnapshot } from '../../lib/snapshots/store.js';
import { grabJpegFromStream } from '../../lib/stream/grab-jpeg.js';
import { StreamRegistry } from '../../lib/stream/registry.js';
import type { RtspTlsOptions } from '../../lib/rtsp/client.js';
import type { PictureSource } from '../../lib/stream/decoder-feed.js';
import type { StreamStats } from '../../lib/stream/shared-stream.js';
import { StatusRecorder } from './status-recorder.js';
import { OnvifSource, type OnvifEventName, type OnvifEvents } from '../../lib/onvif/source.js';
import type { GatewayEvents } from '../../events.js';
import type { CameraSnapshots, CameraStreams, CameraViews } from '../../core/services.js';

export type { CameraSnapshots, CameraStreams, CameraViews } from '../../core/services.js';
import { LiveView } from './live-view/server.js';
import { cameraRegions } from '../../config/camera-regions.js';
import type { CameraFeeds, CameraRegionsOf } from './services.js';
import type { CameraRegions } from '../../config/sections/cameras.js';
import { encodeJpeg } from '../../lib/imaging/image.js';

/** The ONVIF library's payloads are the published ones (a type error here if they drift apart). */
type Holds<T extends true> = T;
export type OnvifPayloadsArePublished = Holds<
  { [K in OnvifEventName]: OnvifEvents[K] extends GatewayEvents[K] ? true : false }[OnvifEventName]
>;

/** How long a camera stream stays open after its last consumer left (a snapshot or viewer soon after reuses it). */
export const STREAM_LINGER_MS = 5000;

/**
 * The cameras room: one ffmpeg per camera (kept alive by its watchdog), motion gating, the
 * frame hub recognition subscribes to, snapshots, ONVIF sources and events, and the live view.
 * It runs the configured cameras and those another room brings (`feeds`: the demo's).
 */
export class CamerasRoom implements Room, CameraSnapshots, CameraStreams, CameraViews, CameraRegionsOf {
  readonly name = 'cameras';
  /** Gated frames for recognition (see README.md); exists from construction, so rooms that start earlier can subscribe. */
  readonly frames: FrameSource;
  readonly snapshots: SnapshotStore;
  private readonly hub = new FrameHub();
  private readonly cfg: CamerasConfig;
  private readonly log: Logger;
  private readonly pipelines = new Map<string, CameraPipeline>();
  private readonly onvifSources = new Map<string, OnvifSource>();
  /** Where each camera's live view reads from (the analysis URL, or ONVIF's main profile). */
  private readonly mainSnapshots = new SingleFlight<string, SavedSnapshot>();
  /** One RTSP session per camera stream, shared by analysis, live view, GB/T 28181 and snapshots. */
  private readonly streams: StreamRegistry;
  private status: StatusRecorder | undefined;
  private live: LiveView | undefined;
  /** Brought cameras that run (for the banner). */
  private fed = false;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { feeds?: CameraFeeds } = {},
  ) {
    this.cfg = ctx.loaded.config.cameras;
    this.log = componentLogger(ctx.log, 'cameras');
    this.frames = this.hub;
    this.streams = new StreamRegistry({
      timeoutS: Math.max(2, Math.min(this.cfg.connectTimeoutS, 10)),
      stallTimeoutS: this.cfg.stallTimeoutS,
      lingerMs: STREAM_LINGER_MS,
      restartMinMs: this.cfg.restartMinMs,
      restartMaxMs: this.cfg.restartMaxMs,
      log: this.log,
    });
    this.snapshots = new SnapshotStore({
      dir: resolveConfigPath({ baseDir: ctx.dataDir }, this.cfg.snapshots.dir),
      maxBytes: this.cfg.snapshots.maxMb * 1024 * 1024,
      maxAgeMs: this.cfg.snapshots.maxAgeHours * 3600_000,
      quality: this.cfg.snapshots.quality,
      log: this.log,
    });
  }

  /** A camera's regions of interest: its config's, or those of the room that brings it. */
  regionsOf(cameraId: string): CameraRegions {
    return this.deps.feeds?.cameras().find((c) => c.id === cameraId)?.regions ?? cameraRegions(this.ctx.loaded.config, cameraId);
  }

  cameraIds(): string[] {
    return [...this.pipelines.keys()];
  }

  pictures(cameraId: string): PictureSource | undefined {
    return this.streams.source(cameraId, 'main');
  }

  /** Each camera stream: consumers, sessions open (at most 1), reconnects. */
  streamStats(): StreamStats[] {
    return this.streams.stats();
  }

  counters(): CameraCounters[] {
    return [...this.pipelines.values()].map((p) => p.counters());
  }

  liveView(): LiveView | undefined {
    return this.live;
  }

  async latestJpeg(cameraId: string, quality = 70): Promise<Buffer> {
    const p = this.pipelines.get(cameraId);
    if (!p) throw new ActionError(`no camera ${cameraId}`, 'not_found');
    const frame = p.latestFrame();
    if (!frame) throw new ActionError(`camera ${cameraId} has not delivered a frame yet`, 'unavailable');
    return encodeJpeg({ width: frame.width, height: frame.height, data: frame.data }, quality);
  }

  /** Live view relays (ffmpeg transcoders) running now. */
  liveViewRelays(): number {
    return this.live?.activeRelays ?? 0;
  }

  async latestSnapshot(cameraId: string): Promise<SavedSnapshot> {
    const p = this.pipelines.get(cameraId);
    if (!p) throw new ActionError(`no camera ${cameraId}`, 'not_found');
    const frame = p.latestFrame();
    if (!frame) throw new ActionError(`camera ${cameraId} has not delivered a frame yet`, 'unavailable');
    return this.snapshots.save(frame);
  }

  /**
   * A full-resolution snapshot: the camera's own JPEG (ONVIF), else one frame of its main stream.
   * Requests for the same camera while one is under way share it (one ffmpeg per camera).
   */
  captureMain(cameraId: string): Promise<SavedSnapshot> {
    return this.mainSnapshots.run(cameraId, () => this.captureMainOnce(cameraId));
  }

  private async captureMainOnce(cameraId: string): Promise<SavedSnapshot> {
    const source = this.onvifSources.get(cameraId);
    if (source) {
      try {
        const jpeg = await source.snapshot();
        if (jpeg) return this.snapshots.saveJpeg(cameraId, Date.now(), jpeg);
      } catch (err) {
        this.log.warn(
          { cameraId, err: errMessage(err), reason: (err as { reason?: string }).reason },
          'ONVIF snapshot failed; grabbing a frame of the main stream',
        );
      }
    }
    const stream = this.streams.stream(cameraId, 'main');
    if (!stream) throw new ActionError(`no camera ${cameraId}`, 'not_found');
    try {
      return await this.snapshots.saveJpeg(cameraId, Date.now(), await grabJpegFromStream(stream, 10));
    } catch (err) {
      throw new ActionError(`camera ${cameraId}: ${errMessage(err)}`, 'unavailable');
    }
  }

  registerActions(actions: ActionTable): void {
    actions.register('cameras/list', {
      role: 'viewer',
      description: 'Cameras with their state and counters (frames in, analysed, passed, dropped, motion ratio, restarts).',
      input: z.strictObject({}).prefault({}),
      handle: () => this.counters(),
    });
    actions.register('cameras/snapshot', {
      role: 'operator',
      rate: { perMinute: 60, burst: 10 }, // main: true starts ffmpeg (shared per camera)
      description:
        'Saves a JPEG of a camera: its newest analysed frame (fast), or with main: true a full-resolution picture (the ONVIF snapshot URI, else one frame of the main stream); answers with the snapshot id and path.',
      input: z.strictObject({ cameraId: z.string(), main: z.boolean().default(false) }),
      handle: ({ cameraId, main }) => (main ? this.captureMain(cameraId) : this.latestSnapshot(cameraId)),
    });
    actions.register('snapshots/get', {
      role: 'viewer',
      description: 'A stored snapshot (scene, or with crop: true the cropped face/plate) as base64 JPEG, by the id an event carries.',
      input: z.strictObject({ id: z.string().min(1).max(128), crop: z.boolean().default(false) }),
      handle: async ({ id, crop }) => {
        const path = this.snapshots.pathOf(id, crop);
        if (!path) throw new ActionError(`no snapshot ${id}${crop ? ' crop' : ''} (unknown id, or deleted by retention)`, 'not_found');
        const jpeg = await readFile(path).catch(() => undefined);
        if (!jpeg) throw new ActionError(`snapshot ${id} was deleted by retention`, 'not_found');
        return { id, crop, contentType: 'image/jpeg', base64: jpeg.toString('base64') };
      },
    });
  }

  summary(): string[] {
    const fed = this.fed && this.deps.feeds ? ` (${this.deps.feeds.describe()})` : '';
    const lines = [`cameras: ${[...this.pipelines.keys()].join(', ') || 'none'}${fed}`];
    if (this.live) lines.push('live view: in the console (MPEG-1 for JSMpeg, behind its login)');
    return lines;
  }

  async start(scope: Scope): Promise<void> {
    const { cfg, log } = this;
    this.status = new StatusRecorder(this.ctx);
    const list = cfg.list.filter((c) => c.enabled);
    const feeds = this.deps.feeds;
    for (const cam of feeds?.cameras() ?? []) {
      const url = feeds?.url(cam.id);
      if (!url) {
        log.error({ cameraId: cam.id }, 'a brought camera has no stream: not run');
        continue;
      }
      this.streams.add(cam.id, 'main', () => url);
      this.addPipeline(cam.id, cam);
      this.fed = true;
    }
    for (const cam of list) {
      if (cam.rtsp) {
        const url = this.plainRtsp(cam);
        this.streams.add(cam.id, 'main', url, this.tlsOf(cam));
        this.addPipeline(cam.id, cam);
      } else if (cam.onvif) {
        const source = new OnvifSource({
          cameraId: cam.id,
          onvif: cam.onvif,
          password: cam.onvif.passwordFile
            ? readSecretFile(this.ctx.loaded, cam.onvif.passwordFile, `cameras.list[${cam.id}].onvif.passwordFile`)
            : undefined,
          analysisWidth: (cam.analysis ?? cfg.analysis).width,
          clockSkewWarnS: cfg.clockSkewWarnS,
          motionHoldS: cfg.motionHoldS,
          log,
          onEvent: (kind, data) => this.ctx.events.publish(kind, data as GatewayEvents[typeof kind]),
        });
        this.onvifSources.set(cam.id, source);
        this.streams.add(cam.id, 'main', () => source.mainUrl(), this.tlsOf(cam));
        this.streams.addSubOrMain(cam.id, async () => ({ sub: await source.analysisUrl(), main: await source.mainUrl() }), this.tlsOf(cam));
        this.addPipeline(cam.id, cam, 'sub');
      }
    }
    for (const p of this.pipelines.values()) p.start();
    for (const s of this.onvifSources.values()) s.start();
    scope.every(
      600_000,
      async () => void (await this.snapshots.sweep().catch((err: unknown) => log.warn({ err: errMessage(err) }, 'snapshot sweep failed'))),
    );
    if (cfg.liveView.enabled) {
      this.live = new LiveView({ ...cfg.liveView, log, streamOf: (id) => this.streams.source(id, 'main') });
      this.live.start();
    }
  }

  async stop(): Promise<void> {
    const steps: Promise<unknown>[] = [];
    if (this.live) steps.push(this.live.stop());
    for (const s of this.onvifSources.values()) steps.push(s.stop());
    for (const p of this.pipelines.values()) steps.push(p.stop());
    const results = await Promise.allSettled(steps);
    for (const r of results) if (r.status === 'rejected') this.log.error({ err: String(r.reason) }, 'camera failed to stop cleanly');
    await this.streams.stop();
    this.hub.closeAll();
    this.fed = false;
    this.live = undefined;
    this.pipelines.clear();
    this.onvifSources.clear();
  }

  private addPipeline(
    cameraId: string,
    cam: Pick<CameraConfig, 'motion' | 'regions'> & Partial<Pick<CameraConfig, 'analysis'>>,
    profile: 'main' | 'sub' = 'main',
  ): void {
    const { cfg, log } = this;
    this.pipelines.set(
      cameraId,
      new CameraPipeline({
        cameraId,
        stream: this.streams.source(cameraId, profile),
        analysis: { ...cfg.analysis, ...cam.analysis },
        motion: { ...cam.motion, regions: cam.regions.motion },
        stallTimeoutS: cfg.stallTimeoutS,
        connectTimeoutS: cfg.connectTimeoutS,
        restartMinMs: cfg.restartMinMs,
        restartMaxMs: cfg.restartMaxMs,
        hub: this.hub,
        log,
        onState: (id, state, failure) => {
          if (state === 'online') this.status?.online(id);
          else this.status?.offline(id, failure ?? { reason: 'exited', message: 'stopped' });
          if (state === 'online') log.info({ cameraId: id }, 'camera online');
          else {
            log.warn({ cameraId: id, reason: failure?.reason, message: failure?.message }, 'camera offline');
            // An ONVIF camera that dropped may come back rebooted: ask it again for its URIs.
            this.onvifSources.get(id)?.invalidate();
          }
        },
      }),
    );
  }

  /** How an rtsps:// stream's certificate is checked (the CA file read once, at start). */
  private tlsOf(cam: CameraConfig): RtspTlsOptions | undefined {
    const t = cam.tls;
    if (!t) return undefined;
    let ca: Buffer | undefined;
    if (t.caFile) {
      const path = resolveConfigPath(this.ctx.loaded, t.caFile);
      try {
        ca = readFileSync(path);
      } catch (err) {
        throw new ConfigError(path, [`cameras.list[${cam.id}].tls.caFile: cannot read it: ${errMessage(err)}`]);
      }
    }
    return { ...(ca ? { ca } : {}), ...(t.serverName ? { serverName: t.serverName } : {}), insecure: t.insecure };
  }

  private plainRtsp(cam: CameraConfig): () => string {
    const password = cam.passwordFile
      ? readSecretFile(this.ctx.loaded, cam.passwordFile, `cameras.list[${cam.id}].passwordFile`)
      : undefined;
    const url = withCredentials(cam.rtsp as string, cam.username, password);
    return () => url;
  }
}
