import { readFileSync } from 'node:fs';
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room } from '../../gateway/core/room.js';
import { componentLogger } from '../../gateway/core/logger.js';
import { readSecretFile, resolveConfigPath } from '../../gateway/config/load.js';
import { ConfigError } from '../../gateway/config/errors.js';
import { OutboxSink } from '../../gateway/store/outbox-sink.js';
import { HttpClient } from './http.js';
import { defaultCameraDeviceId, parseUtcOffset } from './ids.js';
import { VEHICLE_KINDS, type ViidCamera } from './mapping.js';
import { loadPictures } from './pictures.js';
import { ViidPusher } from './pusher.js';
import { ViidSession } from './session.js';

/** The outbox sink name of this uplink (its position in outbox_sinks). */
export const GAT1400_SINK = 'gat1400';

/**
 * The GA/T 1400 (视图库) uplink: a session with the platform and a pusher that takes face and
 * plate events from the outbox through its own sink position. Off by default; when off, a
 * position left by an earlier run is dropped so it no longer holds sent rows back.
 */
export function createGat1400Room(ctx: GatewayContext): Room {
  const log = componentLogger(ctx.log, 'gat1400');
  const cfg = ctx.loaded.config.gat1400;
  const kinds = [
    ...(cfg.faces ? ['face.recognized'] : []),
    ...(cfg.strangers ? ['face.unknown'] : []),
    ...(cfg.vehicles ? VEHICLE_KINDS : []),
  ];
  if (!cfg.enabled || !cfg.url || !cfg.deviceId || kinds.length === 0) {
    return {
      name: 'gat1400',
      async start() {
        if (cfg.enabled) log.warn('gat1400.enabled, but faces, strangers and vehicles are all off: nothing to push');
        if (OutboxSink.drop(ctx.db, GAT1400_SINK)) log.info('GA/T 1400 uplink off: its outbox position was dropped');
      },
      async stop() {},
    };
  }
  const deviceId = cfg.deviceId;
  const url = cfg.url;
  const cameras = new Map<string, ViidCamera>();
  const camera = (id: string): ViidCamera => {
    let c = cameras.get(id);
    if (!c) {
      const listed = cfg.cameras.find((x) => x.id === id);
      const dev = listed?.deviceId ?? defaultCameraDeviceId(deviceId, id);
      c = { deviceId: dev, tollgateId: listed?.tollgateId ?? dev };
      cameras.set(id, c);
    }
    return c;
  };
  const password = () => (cfg.passwordFile ? readSecretFile(ctx.loaded, cfg.passwordFile, 'gat1400.passwordFile') : '');
  let http: HttpClient | undefined;
  let session: ViidSession | undefined;
  let pusher: ViidPusher | undefined;
  let sink: OutboxSink | undefined;

  return {
    name: 'gat1400',
    async start() {
      password(); // a missing or world-readable password file stops the start with a clear error
      let ca: Buffer | undefined;
      if (cfg.caFile) {
        const path = resolveConfigPath(ctx.loaded, cfg.caFile);
        try {
          ca = readFileSync(path);
        } catch (err) {
          throw new ConfigError(ctx.loaded.source, [`gat1400.caFile: cannot read ${path}: ${(err as Error).message}`]);
        }
      }
      const ids = ctx.loaded.config.cameras.list.map((c) => ({ camera: c.id, ...camera(c.id) }));
      const devices = new Set(ids.map((c) => c.deviceId));
      if (devices.size < ids.length)
        throw new ConfigError(ctx.loaded.source, ['gat1400.cameras: two cameras get the same VIID DeviceID; set them explicitly']);
      log.info({ url, deviceId, kinds, cameras: ids }, 'GA/T 1400 uplink: cameras and their VIID ids');
      const offsetMinutes = parseUtcOffset(cfg.timeZone);
      http = new HttpClient(new URL(url), { timeoutMs: cfg.requestTimeoutS * 1000, ...(ca ? { ca } : {}) });
      session = new ViidSession({
        http,
        deviceId,
        username: cfg.username ?? deviceId,
        password,
        keepaliveMs: cfg.keepaliveS * 1000,
        retryMinMs: cfg.retryMinMs,
        retryMaxMs: cfg.retryMaxMs,
        offsetMinutes,
        log,
      });
      sink = OutboxSink.open(ctx.db, GAT1400_SINK, kinds);
      const snapshotsDir = resolveConfigPath({ baseDir: ctx.dataDir }, ctx.loaded.config.cameras.snapshots.dir);
      pusher = new ViidPusher({
        sink,
        session,
        http,
        mapping: { offsetMinutes, camera, images: cfg.images },
        loadPictures: (refs) => loadPictures(snapshotsDir, refs),
        batchSize: cfg.batchSize,
        retryMinMs: cfg.retryMinMs,
        retryMaxMs: cfg.retryMaxMs,
        onAppend: (l) => ctx.outbox.onAppend(l),
        onRejected: (r) => ctx.outbox.append('gat1400.rejected', r),
        log,
      });
      session.start();
      pusher.start();
    },
    async stop() {
      const stopping = pusher?.stop();
      // A POST under way gets a moment to finish, then unregistering closes the session.
      await Promise.race([stopping, new Promise((r) => setTimeout(r, 2000).unref())]);
      await session?.stop();
      http?.close();
      await stopping;
    },
    summary() {
      if (!session || !pusher || !sink) return [];
      const what = [cfg.faces ? 'faces' : '', cfg.strangers ? 'strangers' : '', cfg.vehicles ? 'vehicles' : ''].filter(Boolean).join(', ');
      return [`GA/T 1400: ${url} as ${deviceId} (${session.state}; ${what}; backlog ${sink.backlog()})`];
    },
  };
}
