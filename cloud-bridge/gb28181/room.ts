/**
 * The GB/T 28181 room: when `gb28181.enabled`, the box registers with a city video platform as
 * a device and serves it the catalog, device queries, alarms and live video. Thin: the work is
 * in ./device.ts and the modules it wires.
 */
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room } from '../../gateway/core/room.js';
import { componentLogger } from '../../gateway/core/logger.js';
import { readSecretFile } from '../../gateway/config/load.js';
import { GbDevice } from './device.js';
import { ChannelDirectory } from './channel-state.js';
import { onAlarmRaised } from './alarm-adapter.js';
import './events.js';

export interface Gb28181Room extends Room {
  /** The device once started (tests, the console). */
  device(): GbDevice | undefined;
}

export function createGb28181Room(ctx: GatewayContext): Gb28181Room {
  const cfg = ctx.loaded.config.gb28181;
  const log = componentLogger(ctx.log, 'gb28181');
  let device: GbDevice | undefined;
  let failed: string | undefined;
  if (!cfg.enabled || !cfg.server || !cfg.deviceId)
    return { name: 'gb28181', device: () => undefined, start: async () => undefined, stop: async () => undefined };
  const server = cfg.server;
  const deviceId = cfg.deviceId;
  const domain = server.domain ?? server.id.slice(0, 10);
  const prefix = cfg.idPrefix ?? deviceId.slice(0, 10);
  const directory = new ChannelDirectory({
    bus: ctx.bus,
    config: ctx.loaded.config,
    baseDir: ctx.loaded.baseDir,
    prefix,
    network: cfg.network ?? deviceId.slice(13, 14),
    deviceId,
  });
  const offAlarm = onAlarmRaised(ctx.bus, async (e) => {
    const channel = directory.byDevice(e.deviceId);
    if (!channel || !device) return;
    const name = ctx.loaded.config.devices.find((d) => d.id === e.deviceId)?.name ?? e.deviceId;
    await device.alarm({ channelId: channel.gbId, priority: cfg.alarmPriority, ts: e.ts, description: `一键报警 ${name} (${e.input})` });
  });

  return {
    name: 'gb28181',
    device: () => device,
    summary: () => {
      const reg = device?.registration;
      const state = failed ?? (reg?.registered ? 'registered' : `not registered${reg?.lastError ? `: ${reg.lastError}` : ' yet'}`);
      return [
        `gb28181: device ${deviceId} -> ${server.id}@${server.host}:${server.port}/${server.transport} (${state}; ${directory.list().length} channels)`,
      ];
    },
    async start() {
      directory.rebuild(); // bad pinned channel ids stop the start with a clear error
      const password = () => (cfg.passwordFile ? readSecretFile(ctx.loaded, cfg.passwordFile, 'gb28181.passwordFile') : undefined);
      password(); // a missing or world-readable password file is a start error, not a silent retry loop
      const where = `${server.id}@${server.host}:${server.port}`;
      device = new GbDevice({
        identity: {
          deviceId,
          serverId: server.id,
          domain,
          server: { host: server.host, port: server.port },
          transport: server.transport,
          localPort: cfg.localPort,
          localHost: cfg.localHost,
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
        cameraUrl: (id) => directory.cameraUrl(id),
        onRegistered: (expiresS) => ctx.bus.emit('gb28181.registered', { server: where, deviceId, expiresS }),
        onUnregistered: (reason) => ctx.bus.emit('gb28181.unregistered', { server: where, deviceId, reason }),
      });
      try {
        await device.start();
      } catch (err) {
        // Like live view: a SIP port already taken costs this uplink, not the gateway.
        failed = `cannot start: ${(err as Error).message}`;
        log.error({ err: (err as Error).message, localPort: cfg.localPort }, 'GB/T 28181 device cannot start; the gateway runs without it');
        await device.stop().catch(() => undefined);
        device = undefined;
        return;
      }
      log.info({ local: device.ua.local, server: where, transport: server.transport }, 'GB/T 28181 device started');
    },
    async stop() {
      offAlarm();
      directory.close();
      await device?.stop();
    },
  };
}
