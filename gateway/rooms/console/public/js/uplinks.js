// The uplinks (embedded broker / city MQTT, GB/T 28181, GA/T 1400) from the one action
// uplinks/status: the dashboard card and each event's delivery per uplink read the same answer.
import { action } from './api.js';

let current = [];

/** Pure (same rule as gateway/core/uplinks.ts deliveryOf): 'sent', 'queued', or null (not carried / cannot tell). */
export function deliveryOf(u, e) {
  if (u.state === 'off') return null;
  if (u.delivery.by === 'sent_flag') return e.sent ? 'sent' : 'queued';
  if (u.delivery.by === 'position') return u.delivery.kinds.includes(e.kind) ? (e.rowid <= u.delivery.position ? 'sent' : 'queued') : null;
  return null;
}

/** Per uplink that carries the event: [{kind, state}] ('sent' | 'queued'). */
export function deliveries(e, uplinks = current) {
  return uplinks.map((u) => ({ kind: u.kind, state: deliveryOf(u, e) })).filter((d) => d.state !== null);
}

export async function loadUplinks() {
  current = (await action('uplinks/status')).uplinks;
  return current;
}

export function uplinks() {
  return current;
}
