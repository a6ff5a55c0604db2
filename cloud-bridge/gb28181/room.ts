/**
 * The GB/T 28181 room: when `gb28181.enabled`, the box registers with a city video platform as
 * a device and serves it the catalog, device queries, alarms and live video. Thin: the work is
 * in ./device.ts and the modules it wires.
 */
import { uplinkOff, type UplinkSource, type UplinkStatus } from '../../gateway/core/uplinks.js';
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room, Scope } from '../../gateway/core/room.js';
import { componentLogger, type Logger } from '../../gateway/core/logger.js';
import { errMessage } from '../../gateway/core/errors.js';
import { readSecretFile } from '../../gateway/config/load.js';
import type { CameraStreams } from '../../gateway/core/services.js';
import type { DeviceDirectory } from '../../gateway/core/services.js';
import { GbDevice } from './device.js';
import { ChannelDirectory } from './channel-state.js';
import { onAlarmRaised } from './alarm-adapter.js';

const ALARM_WORDS: Record<string, string> = { panic: '一键报警', tamper: '防拆报警', fire: '火警' };

export class Gb28181Room implements Room, UplinkSource {
  readonly name = 'gb28181';
  private readonly log: Logger;
  private gb: GbDevice | undefined;
  private failed: string | undefined;
  private directory: ChannelDirectory | undefined;
  private since: string | null = null;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { cameras: CameraStreams; devices: DeviceDirectory },
  ) {
    this.log = componentLogger(ctx.log, 'gb28181');
  }

  /** The device once started (tests, the console). */
  device(): GbDevice | undefined {
    return this.gb;
  }

  private get active(): boolean {
    const cfg = this.ctx.loaded.config.gb28181;
    return cfg.enabled && Boolean(cfg.server) && Boolean(cfg.deviceId);
  }

  /** For uplinks/status: registered or not; alarms go out live (no stored backlog). */
  uplinkStatus(): UplinkStatus[] {
    const cfg = this.ctx.loaded.config.gb28181;
    const reg = this.gb?.registration;
    const off = uplinkOff('gb28181');
    if (!this.active || !cfg.server) return [off];
    if (this.failed) return [{ ...off, state: 'down', detail: this.failed }];
    return [
      {
        kind: 'gb28181',
        state: reg?.registered ? 'up' : this.since ? 'down' : 'connecting',
        since: this.since,
        target: `${cfg.server.id}@${cfg.server.host}:${cfg.server.port}/${cfg.server.transport}`,
        detail: reg?.registered ? null : (reg?.lastError ?? null),
        backlog: null,
        delivery: { by: 'none' },
      },
    ];
  }

  summary(): string[] {
    const cfg = this.ctx.loaded.config.gb28181;
    if (!this.active || !cfg.server) return [];
    const reg = this.gb?.registration;
    const state = this.failed ?? (reg?.registered ? 'registered' : `not registered${reg?.lastError ? `: ${reg.lastError}` : ' yet'}`);
    return [
      `gb28181: device ${cfg.deviceId} -> ${cfg.server.id}@${cfg.server.host}:${cfg.server.port}/${cfg.server.transport} (${state}; ${this.directory?.list().length ?? 0} channels)`,
    ];
  }

  async start(scope: Scope): Promise<void> {
    const { ctx, log } = this;
    const cfg = ctx.loaded.config.gb28181;
    if (!this.active || !cfg.server || !cfg.deviceId) return;
    const server = cfg.server;
    const deviceId = cfg.deviceId;
    const domain = server.domain ?? server.id.slice(0, 10);
    const prefix = cfg.idPrefix ?? deviceId.slice(0, 10);
    const directory = new ChannelDirectory({
      config: ctx.loaded.config,
      cameras: this.deps.cameras,
      devices: this.deps.devices,
      prefix,
      network: cfg.network ?? deviceId.slice(13, 14),
      deviceId,
    });
    this.directory = directory;
    directory.follow(scope);
    directory.rebuild(); // bad pinned channel ids stop the start with a clear error
    onAlarmRaised(scope, async (e) => {
      const channel = directory.byDevice(e.deviceId);
      if (!channel || !this.gb) return;
      const name =
        ctx.loaded.config.devices.find((d) => d.id === e.deviceId)?.name ??
        this.deps.devices.info(e.deviceId)?.displayName?.zh ??
        e.deviceId;
      await this.gb.alarm({
        channelId: channel.gbId,
        priority: cfg.alarmPriority,
        ts: e.ts,
        description: `${ALARM_WORDS[e.kind] ?? '报警'} ${name} (${e.input})`,
      });
    });
    const password = () => (cfg.passwordFile ? readSecretFile(ctx.loaded, cfg.passwordFile, 'gb28181.passwordFile') : undefined);
    password(); // a missing or world-readable password file is a start error, not a silent retry loop
    const where = `${server.id}@${server.host}:${server.port}`;
    const device = new GbDevice({
      identity: {
        deviceId,
        serverId: server.id,
        domain,
        server: { host: server.host, port: server.port },
        transport: server.transport,
        localPort: cfg.localPort,
        localHost: cfg.localHost,
        extraAddresses: server.extraAddresses,
        t1Ms: cfg.t1Ms,
        userAgent: `SharpEyes/${ctx.version}`,
      },
      log,
      username: cfg.username ?? deviceId,
      password,
      registerExpiresS: cfg.registerExpiresS,
      keepaliveIntervalS: cfg.keepaliveIntervalS,
      keepaliveMisses: cfg.keepaliveMisses,
      retryMinMs: cfg.retryMinMs,
      retryMaxMs: cfg.retryMaxMs,
      charset: cfg.charset,
      maxLiveSessions: cfg.maxLiveSessions,
      facts: () => ({
        deviceId,
        name: cfg.name ?? ctx.nodeId,
        manufacturer: 'Sharp Eyes',
        model: 'edge gateway',
        firmware: ctx.version,
        civilCode: cfg.civilCode ?? prefix.slice(0, 6),
      }),
      channels: () => directory.list(),
      cameraPictures: (id) => this.deps.cameras.pictures(id),
      onRegistered: (expiresS) => {
        this.since = new Date().toISOString();
        ctx.bus.emit('gb28181.registered', { server: where, deviceId, expiresS });
      },
      onUnregistered: (reason) => {
        this.since = new Date().toISOString();
        ctx.bus.emit('gb28181.unregistered', { server: where, deviceId, reason });
      },
    });
    this.gb = device;
    try {
      await device.start();
    } catch (err) {
      // Like live view: a SIP port already taken costs this uplink, not the gateway.
      this.failed = `cannot start: ${errMessage(err)}`;
      log.error({ err: errMessage(err), localPort: cfg.localPort }, 'GB/T 28181 device cannot start; the gateway runs without it');
      await device.stop().catch(() => undefined);
      this.gb = undefined;
      return;
    }
    log.info({ local: device.ua.local, server: where, transport: server.transport }, 'GB/T 28181 device started');
  }

  async stop(): Promise<void> {
    await this.gb?.stop();
    this.gb = undefined;
  }
}
