/**
 * The channels published to the platform and whether each is up, followed on the bus: cameras
 * from the cameras room (`cameras.ready`, `camera.online`/`offline`), gates and alarm posts from
 * the devices room (`device.online`/`offline`).
 */
import type { EventBus } from '../../gateway/core/bus.js';
import type { GatewayConfig } from '../../gateway/config/schema.js';
import { resolveProfile } from '../../gateway/devices/profiles.js';
import { buildChannels, type Channel } from './channels.js';
import type { ChannelState } from './manscdp/messages.js';
import '../../gateway/cameras/events.js';
import '../../gateway/devices/events.js';

export class ChannelDirectory {
  private channels: Channel[] = [];
  private readonly online = new Set<string>();
  private cameraIds: string[] = [];
  private streamUrl: ((id: string) => Promise<string> | undefined) | undefined;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly o: { bus: EventBus; config: GatewayConfig; baseDir: string; prefix: string; network: string; deviceId: string },
  ) {
    const { bus } = o;
    this.offs.push(
      bus.on('cameras.ready', (e) => {
        this.cameraIds = e.cameraIds;
        this.streamUrl = e.streamUrl;
        this.rebuild();
      }),
      bus.on('camera.online', (e) => void this.online.add(`camera/${e.cameraId}`)),
      bus.on('camera.offline', (e) => void this.online.delete(`camera/${e.cameraId}`)),
      bus.on('device.online', (e) => void this.online.add(`device/${e.deviceId}`)),
      bus.on('device.offline', (e) => void this.online.delete(`device/${e.deviceId}`)),
    );
  }

  /** Builds the list now (devices are known from the config; cameras once they are ready). Throws on bad pinned ids. */
  rebuild(): void {
    const cfg = this.o.config;
    const names = new Map(cfg.cameras.list.map((c) => [c.id, c.name]));
    const devices = cfg.devices.flatMap((d) => {
      try {
        return [{ id: d.id, name: d.name, kind: resolveProfile(d.profile, { baseDir: this.o.baseDir }).kind }];
      } catch {
        return []; // the devices room reports a missing profile
      }
    });
    this.channels = buildChannels({
      prefix: this.o.prefix,
      network: this.o.network,
      pinned: cfg.gb28181.channelIds,
      deviceId: this.o.deviceId,
      cameras: this.cameraIds.map((id) => ({ id, name: names.get(id) })),
      devices,
    });
  }

  list(): ChannelState[] {
    return this.channels.map((c) => ({ ...c, online: this.online.has(`${c.kind === 'camera' ? 'camera' : 'device'}/${c.sourceId}`) }));
  }

  byDevice(deviceId: string): Channel | undefined {
    return this.channels.find((c) => c.kind !== 'camera' && c.sourceId === deviceId);
  }

  async cameraUrl(cameraId: string): Promise<string | undefined> {
    return this.streamUrl?.(cameraId);
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
