import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger } from '../core/logger.js';
import { ActionError } from '../core/actions.js';
import { readSecretFile, resolveConfigPath } from '../config/load.js';
import type { CameraConfig } from '../config/sections/cameras.js';
import { withCredentials } from './ffmpeg/args.js';
import { FrameHub, type FrameSource } from './frames/hub.js';
import { CameraPipeline, type CameraCounters } from './ingest/camera-pipeline.js';
import { SnapshotStore, type SavedSnapshot, type Snapshots } from './snapshots/store.js';
import { grabJpeg } from './ffmpeg/grab.js';
import { StatusRecorder } from './status-recorder.js';
import { startDemoCameras, type DemoCameras } from '../demo/cameras.js';
import { OnvifSource } from './onvif/source.js';
import { LiveView } from './live-view/server.js';
import './events.js';

export interface CamerasRoom extends Room {
  /** Gated frames for recognition (see README.md). */
  readonly frames: FrameSource;
  readonly snapshots: Snapshots;
  counters(): CameraCounters[];
  /** Port of the live view server once started (0 when disabled). */
  liveViewPort(): number;
  /** Live view relays (ffmpeg transcoders) running now. */
  liveViewRelays(): number;
  /** A full-resolution snapshot of a camera (ONVIF snapshot URI, else a frame of the main stream). */
  captureMain(cameraId: string): Promise<SavedSnapshot>;
}

/**
 * The cameras room: one ffmpeg per camera (kept alive by its watchdog), motion gating, the
 * frame hub recognition subscribes to, snapshots, ONVIF sources and events, and the live view.
 */
export function createCamerasRoom(ctx: GatewayContext): CamerasRoom {
  const cfg = ctx.loaded.config.cameras;
  const log = componentLogger(ctx.log, 'cameras');
  const hub = new FrameHub();
  const status = new StatusRecorder(ctx);
  const snapshots = new SnapshotStore({
    dir: resolveConfigPath({ baseDir: ctx.dataDir }, cfg.snapshots.dir),
    maxCount: cfg.snapshots.maxCount,
    maxAgeMs: cfg.snapshots.maxAgeHours * 3600_000,
    quality: cfg.snapshots.quality,
    log,
  });
  const pipelines = new Map<string, CameraPipeline>();
  const onvifSources = new Map<string, OnvifSource>();
  /** Where each camera's live view reads from (the analysis URL, or ONVIF's main profile). */
  const liveUrls = new Map<string, () => Promise<string>>();
  let demo: DemoCameras | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let live: LiveView | undefined;

  const counters = () => [...pipelines.values()].map((p) => p.counters());

  ctx.actions.register('cameras/list', {
    description: 'Cameras with their state and counters (frames in, analysed, passed, dropped, motion ratio, restarts).',
    input: z.strictObject({}).prefault({}),
    handle: () => counters(),
  });
  ctx.actions.register('cameras/snapshot', {
    description:
      'Saves a JPEG of a camera: its newest analysed frame (fast), or with main: true a full-resolution picture (the ONVIF snapshot URI, else one frame of the main stream); answers with the snapshot id and path.',
    input: z.strictObject({ cameraId: z.string(), main: z.boolean().default(false) }),
    handle: async ({ cameraId, main }) => {
      const p = pipelines.get(cameraId);
      if (!p) throw new ActionError(`no camera ${cameraId}`, 'not-found');
      if (main) return captureMain(cameraId);
      const frame = p.latestFrame();
      if (!frame) throw new ActionError(`camera ${cameraId} has not delivered a frame yet`, 'unavailable');
      return snapshots.save(frame);
    },
  });

  /** A full-resolution snapshot: the camera's own JPEG (ONVIF), else one frame of its main stream. */
  async function captureMain(cameraId: string): Promise<SavedSnapshot> {
    const source = onvifSources.get(cameraId);
    if (source) {
      try {
        const jpeg = await source.snapshot();
        if (jpeg) return snapshots.saveJpeg(cameraId, Date.now(), jpeg);
      } catch (err) {
        log.warn(
          { cameraId, err: (err as Error).message, reason: (err as { reason?: string }).reason },
          'ONVIF snapshot failed; grabbing a frame of the main stream',
        );
      }
    }
    const url = liveUrls.get(cameraId);
    if (!url) throw new ActionError(`no camera ${cameraId}`, 'not-found');
    try {
      return await snapshots.saveJpeg(cameraId, Date.now(), await grabJpeg(await url(), 10));
    } catch (err) {
      throw new ActionError(`camera ${cameraId}: ${(err as Error).message}`, 'unavailable');
    }
  }

  ctx.actions.register('snapshots/get', {
    description: 'A stored snapshot (scene, or with crop: true the cropped face/plate) as base64 JPEG, by the id an event carries.',
    input: z.strictObject({ id: z.string().min(1).max(128), crop: z.boolean().default(false) }),
    handle: async ({ id, crop }) => {
      const path = snapshots.pathOf(id, crop);
      if (!path) throw new ActionError(`no snapshot ${id}${crop ? ' crop' : ''} (unknown id, or deleted by retention)`, 'not-found');
      const jpeg = await readFile(path).catch(() => undefined);
      if (!jpeg) throw new ActionError(`snapshot ${id} was deleted by retention`, 'not-found');
      return { id, crop, contentType: 'image/jpeg', base64: jpeg.toString('base64') };
    },
  });

  function addPipeline(cameraId: string, url: () => Promise<string> | string, cam: Pick<CameraConfig, 'motion'>): void {
    pipelines.set(
      cameraId,
      new CameraPipeline({
        cameraId,
        url,
        analysis: cfg.analysis,
        motion: cam.motion,
        stallTimeoutS: cfg.stallTimeoutS,
        connectTimeoutS: cfg.connectTimeoutS,
        restartMinMs: cfg.restartMinMs,
        restartMaxMs: cfg.restartMaxMs,
        hub,
        log,
        onState: (id, state, failure) => {
          try {
            if (state === 'online') status.online(id);
            else status.offline(id, failure ?? { reason: 'exited', message: 'stopped' });
          } catch (err) {
            log.error({ cameraId: id, err: (err as Error).message }, 'cannot record camera state');
          }
          if (state === 'online') log.info({ cameraId: id }, 'camera online');
          else {
            log.warn({ cameraId: id, reason: failure?.reason, message: failure?.message }, 'camera offline');
            // An ONVIF camera that dropped may come back rebooted: ask it again for its URIs.
            onvifSources.get(id)?.invalidate();
          }
        },
      }),
    );
  }

  function plainRtsp(cam: CameraConfig): () => string {
    const password = cam.passwordFile ? readSecretFile(ctx.loaded, cam.passwordFile, `cameras.list[${cam.id}].passwordFile`) : undefined;
    const url = withCredentials(cam.rtsp as string, cam.username, password);
    return () => url;
  }

  return {
    name: 'cameras',
    frames: hub,
    snapshots,
    counters,
    liveViewPort: () => live?.port ?? 0,
    liveViewRelays: () => live?.activeRelays ?? 0,
    captureMain,
    summary() {
      const lines = [`cameras: ${[...pipelines.keys()].join(', ') || 'none'}${demo ? ` (${demo.describe()})` : ''}`];
      if (live) lines.push(`live view: ws://${cfg.liveView.host}:${live.port}/live/<cameraId> (MPEG-1 for JSMpeg)`);
      return lines;
    },
    async start() {
      const list = cfg.list.filter((c) => c.enabled);
      if (list.length === 0 && cfg.demo && cfg.list.length === 0) {
        demo = await startDemoCameras({ width: cfg.analysis.width, height: cfg.analysis.height, log });
        for (const { id, url } of demo.cameras) {
          addPipeline(id, () => url, {
            motion: { enabled: true, pixelThreshold: 25, minAreaRatio: 0.004, backgroundAlpha: 0.08, masks: [], regions: [] },
          });
          liveUrls.set(id, async () => url);
        }
      }
      for (const cam of list) {
        if (cam.rtsp) {
          const url = plainRtsp(cam);
          addPipeline(cam.id, url, cam);
          liveUrls.set(cam.id, async () => url());
        } else if (cam.onvif) {
          const source = new OnvifSource({
            cameraId: cam.id,
            onvif: cam.onvif,
            password: cam.onvif.passwordFile
              ? readSecretFile(ctx.loaded, cam.onvif.passwordFile, `cameras.list[${cam.id}].onvif.passwordFile`)
              : undefined,
            analysisWidth: cfg.analysis.width,
            clockSkewWarnS: cfg.clockSkewWarnS,
            motionHoldS: cfg.motionHoldS,
            log,
            onEvent: (kind, data) => {
              try {
                status.cameraEvent(kind, data);
              } catch (err) {
                log.error({ cameraId: cam.id, err: (err as Error).message }, 'cannot record camera event');
              }
              if (kind === 'camera.motion' || kind === 'camera.tamper') ctx.bus.emit(kind, data as { cameraId: string; state: boolean });
            },
          });
          onvifSources.set(cam.id, source);
          addPipeline(cam.id, () => source.analysisUrl(), cam);
          liveUrls.set(cam.id, () => source.mainUrl());
        }
      }
      for (const p of pipelines.values()) p.start();
      for (const s of onvifSources.values()) s.start();
      sweepTimer = setInterval(
        () => void snapshots.sweep().catch((err: Error) => log.warn({ err: err.message }, 'snapshot sweep failed')),
        600_000,
      );
      sweepTimer.unref();
      if (cfg.liveView.enabled) {
        live = new LiveView({ ...cfg.liveView, log, urlOf: (id) => liveUrls.get(id) });
        try {
          await live.start();
        } catch (err) {
          log.error(
            { err: (err as Error).message, host: cfg.liveView.host, port: cfg.liveView.port },
            'live view cannot listen; continuing without it',
          );
          live = undefined;
        }
      }
      ctx.bus.emit('cameras.ready', { frames: hub, snapshots, cameraIds: [...pipelines.keys()] });
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      const steps: Promise<unknown>[] = [];
      if (live) steps.push(live.stop());
      for (const s of onvifSources.values()) steps.push(s.stop());
      for (const p of pipelines.values()) steps.push(p.stop());
      const results = await Promise.allSettled(steps);
      for (const r of results) if (r.status === 'rejected') log.error({ err: String(r.reason) }, 'camera failed to stop cleanly');
      hub.closeAll();
      if (demo) await demo.server.stop();
      demo = undefined;
      pipelines.clear();
      onvifSources.clear();
    },
  };
}
