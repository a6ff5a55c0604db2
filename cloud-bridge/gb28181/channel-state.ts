/**
 * The channels published to the platform and whether each is up: cameras from the cameras room,
 * gates and alarm posts from the devices room, their state followed on the bus
 * (`camera.online`/`offline`, `device.online`/`offline`).
 */
import type { GatewayConfig } from '../../gateway/config/schema.js';
import type { Scope } from '../../gateway/core/room.js';
import type { CameraStreams } from '../../gateway/core/services.js';
import type { DeviceDirectory } from '../../gateway/core/services.js';
import { buildChannels, type Channel } from './channels.js';
import type { ChannelState } from './manscdp/messages.js';

export class ChannelDirectory {
  private channels: Channel[] = [];
  private readonly online = new Set<string>();

  constructor(
    private readonly o: {
      config: GatewayConfig;
      cameras: CameraStreams;
      devices: DeviceDirectory;
      prefix: string;
      network: string;
      deviceId: string;
    },
  ) {}

  /** Follows the cameras' and devices' state until the room stops. */
  follow(scope: Scope): void {
    scope.on('camera.online', (e) => void this.online.add(`camera/${e.cameraId}`));
    scope.on('camera.offline', (e) => void this.online.delete(`camera/${e.cameraId}`));
    scope.on('device.online', (e) => void this.online.add(`device/${e.deviceId}`));
    scope.on('device.offline', (e) => void this.online.delete(`device/${e.deviceId}`));
  }

  /** Builds the list now (the cameras and devices rooms have started). Throws on bad pinned ids. */
  rebuild(): void {
    const cfg = this.o.config;
    const names = new Map(cfg.cameras.list.map((c) => [c.id, c.name]));
    const devices = cfg.devices.flatMap((d) => {
      const info = this.o.devices.info(d.id);
      return info ? [{ id: d.id, name: d.name ?? info.displayName?.zh, kind: info.kind }] : []; // the devices room reports a device it could not load
    });
    this.channels = buildChannels({
      prefix: this.o.prefix,
      network: this.o.network,
      pinned: cfg.gb28181.channelIds,
      deviceId: this.o.deviceId,
      cameras: this.o.cameras.cameraIds().map((id) => ({ id, name: names.get(id) })),
      devices,
    });
  }

  list(): ChannelState[] {
    return this.channels.map((c) => ({ ...c, online: this.online.has(`${c.kind === 'camera' ? 'camera' : 'device'}/${c.sourceId}`) }));
  }

  byDevice(deviceId: string): Channel | undefined {
    return this.channels.find((c) => c.kind !== 'camera' && c.sourceId === deviceId);
  }
}
