// Device names as people read them: the name the config gives, else the profile's display name in
// the account's locale (marked when simulated), else the id. Loaded once per login (devices/list).
import { action } from './api.js';
import { t, locale } from './i18n.js';

let byId = new Map();

/** Pure: the label of a device as devices/list returns it. */
export function deviceLabel(d, lang = 'zh', tr = (key, vars) => `${vars.name}${key === 'device.simulated' ? ' (sim)' : ''}`) {
  if (d.name) return d.name;
  const display = d.displayName?.[lang === 'en' ? 'en' : 'zh'];
  if (!display) return d.id;
  return d.simulated ? tr('device.simulated', { name: display }) : display;
}

export async function loadDeviceNames() {
  const { devices } = await action('devices/list');
  byId = new Map(devices.map((d) => [d.id, d]));
  return devices;
}

/** The label of a device by id (the id itself for one not listed). */
export function deviceName(id) {
  const d = byId.get(id);
  return d ? deviceLabel(d, locale(), t) : id;
}

/** The label of a listed device, in the current locale. */
export function labelOf(d) {
  return deviceLabel(d, locale(), t);
}
