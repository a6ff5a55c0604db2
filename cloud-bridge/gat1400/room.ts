import { readFileSync } from 'node:fs';
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room } from '../../gateway/core/room.js';
import { componentLogger, type Logger } from '../../gateway/core/logger.js';
import { errMessage } from '../../gateway/core/errors.js';
import { cameraIdsOf } from '../../gateway/config/sections/cameras.js';
import { readSecretFile, resolveConfigPath } from '../../gateway/config/load.js';
import { ConfigError } from '../../gateway/config/errors.js';
import { OutboxSink } from '../../gateway/store/outbox-sink.js';
import { HttpClient } from './http.js';
import { defaultCameraDeviceId, parseUtcOffset } from './ids.js';
import { VEHICLE_KINDS, type ViidCamera } from './mapping.js';
import { loadPictures } from './pictures.js';
import { ViidPusher } from './pusher.js';
import { ViidSession, type SessionState } from './session.js';
import type { UplinkSource, UplinkStatus } from '../../gateway/core/uplinks.js';

/** The outbox sink name of this uplink (its position in outbox_sinks). */
export const GAT1400_SINK = 'gat1400';

/**
 * The GA/T 1400 (视图库) uplink: a session with the platform and a pusher that takes face and
 * plate events from the outbox through its own sink position. Off by default; when off, a
 * position left by an earlier run is dropped so it no longer holds sent rows back.
 */
export class Gat1400Room implements Room, UplinkSource {
  readonly name = 'gat1400';
  private readonly log: Logger;
  private readonly cameras = new Map<string, ViidCamera>();
  private http: HttpClient | undefined;
  private session: ViidSession | undefined;
  private pusher: ViidPusher | undefined;
  private sink: OutboxSink | undefined;
  private sessionState: { state: SessionState; since: string; detail: string } | undefined;

  constructor(private readonly ctx: GatewayContext) {
    this.log = componentLogger(ctx.log, 'gat1400');
  }

  private get cfg() {
    return this.ctx.loaded.config.gat1400;
  }

  private kinds(): string[] {
    const cfg = this.cfg;
    return [...(cfg.faces ? ['face.recognized'] : []), ...(cfg.strangers ? ['face.unknown'] : []), ...(cfg.vehicles ? VEHICLE_KINDS : [])];
  }

  private camera(id: string): ViidCamera {
    let c = this.cameras.get(id);
    if (!c) {
      const listed = this.cfg.cameras.find((x) => x.id === id);
      const dev = listed?.deviceId ?? defaultCameraDeviceId(this.cfg.deviceId as string, id);
      c = { deviceId: dev, tollgateId: listed?.tollgateId ?? dev };
      this.cameras.set(id, c);
    }
    return c;
  }

  async start(): Promise<void> {
    const { ctx, log } = this;
    const cfg = this.cfg;
    const kinds = this.kinds();
    if (!cfg.enabled || !cfg.url || !cfg.deviceId || kinds.length === 0) {
      if (cfg.enabled) log.warn('gat1400.enabled, but faces, strangers and vehicles are all off: nothing to push');
      if (OutboxSink.drop(ctx.db, GAT1400_SINK)) log.info('GA/T 1400 uplink off: its outbox position was dropped');
      return;
    }
    const { deviceId, url } = cfg;
    const password = () => (cfg.passwordFile ? readSecretFile(ctx.loaded, cfg.passwordFile, 'gat1400.passwordFile') : '');
    password(); // a missing or world-readable password file stops the start with a clear error
    let ca: Buffer | undefined;
    if (cfg.caFile) {
      const path = resolveConfigPath(ctx.loaded, cfg.caFile);
      try {
        ca = readFileSync(path);
      } catch (err) {
        throw new ConfigError(ctx.loaded.source, [`gat1400.caFile: cannot read ${path}: ${errMessage(err)}`]);
      }
    }
    const ids = cameraIdsOf(ctx.loaded.config.cameras).map((id) => ({ camera: id, ...this.camera(id) }));
    if (new Set(ids.map((c) => c.deviceId)).size < ids.length)
      throw new ConfigError(ctx.loaded.source, ['gat1400.cameras: two cameras get the same VIID DeviceID; set them explicitly']);
    log.info({ url, deviceId, kinds, cameras: ids }, 'GA/T 1400 uplink: cameras and their VIID ids');
    const offsetMinutes = parseUtcOffset(cfg.timeZone);
    const http = new HttpClient(new URL(url), { timeoutMs: cfg.requestTimeoutS * 1000, ...(ca ? { ca } : {}) });
    const session = new ViidSession({
      http,
      deviceId,
      username: cfg.username ?? deviceId,
      password,
      keepaliveMs: cfg.keepaliveS * 1000,
      retryMinMs: cfg.retryMinMs,
      retryMaxMs: cfg.retryMaxMs,
      offsetMinutes,
      log,
      onState: (state, detail) => void (this.sessionState = { state, since: new Date().toISOString(), detail }),
    });
    const sink = OutboxSink.open(ctx.db, GAT1400_SINK, kinds);
    const snapshotsDir = resolveConfigPath({ baseDir: ctx.dataDir }, ctx.loaded.config.cameras.snapshots.dir);
    const pusher = new ViidPusher({
      sink,
      session,
      http,
      mapping: { offsetMinutes, camera: (id) => this.camera(id), images: cfg.images },
      loadPictures: (refs) => loadPictures(snapshotsDir, refs),
      batchSize: cfg.batchSize,
      retryMinMs: cfg.retryMinMs,
      retryMaxMs: cfg.retryMaxMs,
      onAppend: (l) => ctx.outbox.onAppend(l),
      onRejected: (r) => ctx.events.publish('gat1400.rejected', r),
      log,
    });
    Object.assign(this, { http, session, pusher, sink });
    session.start();
    pusher.start();
  }

  async stop(): Promise<void> {
    const stopping = this.pusher?.stop();
    // A POST under way gets a moment to finish, then unregistering closes the session.
    await Promise.race([stopping, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.session?.stop();
    this.http?.close();
    await stopping;
  }

  /** For uplinks/status: the session's state and the events of its kinds it has not taken yet. */
  uplinkStatus(): UplinkStatus[] {
    const { session, sink } = this;
    if (!session || !sink)
      return [{ kind: 'gat1400', state: 'off', since: null, target: null, detail: null, backlog: null, delivery: { by: 'none' } }];
    const s = this.sessionState;
    const state =
      session.state === 'registered' ? 'up' : session.state === 'stopped' ? 'off' : s?.state === 'waiting' ? 'down' : 'connecting';
    return [
      {
        kind: 'gat1400',
        state,
        since: s?.since ?? null,
        target: this.cfg.url ?? null,
        detail: state === 'up' ? null : (s?.detail ?? null),
        backlog: sink.backlog(),
        delivery: { by: 'position', kinds: [...sink.kinds], position: sink.position },
      },
    ];
  }

  summary(): string[] {
    const { session, pusher, sink } = this;
    const cfg = this.cfg;
    if (!session || !pusher || !sink) return [];
    const what = [cfg.faces ? 'faces' : '', cfg.strangers ? 'strangers' : '', cfg.vehicles ? 'vehicles' : ''].filter(Boolean).join(', ');
    return [`GA/T 1400: ${cfg.url} as ${cfg.deviceId} (${session.state}; ${what}; backlog ${sink.backlog()})`];
  }
}
