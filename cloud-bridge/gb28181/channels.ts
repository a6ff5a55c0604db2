/**
 * The box's channels as the platform sees them, with their 20-digit GB/T 28181 codes:
 * centre (8) + industry (2) + type (3) + network (1) + serial (6). Pure.
 *
 * Types (GB/T 28181-2016 Annex D, 140-199 as named by GB/T 28181-2022): 132 network camera,
 * 134 alarm input (alarm posts), 141 barrier (道闸), 142 smart door / pedestrian gate (智能门).
 *
 * Serial: pinned in config (`channelIds`), else derived from the camera or device id alone,
 * FNV-1a 32-bit of the id, modulo 1,000,000. So the code of a channel does not change when
 * others are added, removed or reordered. When two ids of the same type land on the same
 * serial (about 1 in 22,000 for 10 channels), the one sorting later takes the next free serial.
 */

export type ChannelKind = 'camera' | 'alarm-input' | 'barrier' | 'smart-door';

export const TYPE_CODE: Record<ChannelKind, string> = {
  camera: '132',
  'alarm-input': '134',
  barrier: '141',
  'smart-door': '142',
};

export interface Channel {
  gbId: string;
  kind: ChannelKind;
  /** Camera id or device id in the gateway's config. */
  sourceId: string;
  name: string;
}

export interface ChannelSources {
  /** Centre code (8) + industry code (2). */
  prefix: string;
  /** Network digit. */
  network: string;
  pinned: Record<string, string>;
  cameras: { id: string; name?: string | undefined }[];
  devices: { id: string; name?: string | undefined; kind: string }[];
  /** The device's own id, never handed to a channel. */
  deviceId: string;
}

/** Which channel kind a device profile kind is, if it has one. */
export function kindOfDevice(profileKind: string): ChannelKind | undefined {
  if (profileKind === 'alarm_post') return 'alarm-input';
  if (profileKind === 'barrier') return 'barrier';
  if (profileKind === 'turnstile' || profileKind === 'pedestrian_gate') return 'smart-door';
  return undefined;
}

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export class ChannelIdError extends Error {
  override name = 'ChannelIdError';
}

export function buildChannels(src: ChannelSources): Channel[] {
  if (!/^\d{10}$/.test(src.prefix)) throw new ChannelIdError(`id prefix "${src.prefix}" is not 10 digits`);
  if (!/^\d$/.test(src.network)) throw new ChannelIdError(`network "${src.network}" is not one digit`);
  const wanted: { kind: ChannelKind; sourceId: string; name: string }[] = [
    ...src.cameras.map((c) => ({ kind: 'camera' as const, sourceId: c.id, name: c.name ?? c.id })),
    ...src.devices.flatMap((d) => {
      const kind = kindOfDevice(d.kind);
      return kind ? [{ kind, sourceId: d.id, name: d.name ?? d.id }] : [];
    }),
  ];
  const seen = new Set<string>();
  for (const w of wanted) {
    if (seen.has(w.sourceId) && src.pinned[w.sourceId])
      throw new ChannelIdError(`channelIds.${w.sourceId} is ambiguous: a camera and a device share that id`);
    seen.add(w.sourceId);
  }
  for (const key of Object.keys(src.pinned)) {
    if (!seen.has(key)) throw new ChannelIdError(`channelIds.${key}: no camera or device "${key}" is published`);
  }
  const used = new Set<string>([src.deviceId, ...Object.values(src.pinned)]);
  if (used.size !== Object.keys(src.pinned).length + 1) throw new ChannelIdError('channelIds repeat an id or reuse the device id');
  const out = new Map<string, Channel>();
  for (const w of wanted) {
    const pinned = src.pinned[w.sourceId];
    if (pinned) out.set(`${w.kind}/${w.sourceId}`, { ...w, gbId: pinned });
  }
  const derived = wanted
    .filter((w) => !src.pinned[w.sourceId])
    .sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
  for (const w of derived) {
    const head = `${src.prefix}${TYPE_CODE[w.kind]}${src.network}`;
    let serial = fnv1a32(w.sourceId) % 1_000_000;
    let id = `${head}${String(serial).padStart(6, '0')}`;
    for (let tries = 0; used.has(id); tries++) {
      if (tries >= 1_000_000) throw new ChannelIdError(`no free serial for ${w.sourceId}`);
      serial = (serial + 1) % 1_000_000;
      id = `${head}${String(serial).padStart(6, '0')}`;
    }
    used.add(id);
    out.set(`${w.kind}/${w.sourceId}`, { ...w, gbId: id });
  }
  // Catalog order: as configured (cameras, then devices).
  return wanted.map((w) => out.get(`${w.kind}/${w.sourceId}`) as Channel);
}
