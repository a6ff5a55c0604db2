/**
 * The uplinks in one answer (`uplinks/status`): which exist (the embedded MQTT broker or the
 * city's MQTT broker, GB/T 28181, GA/T 1400), each one's state and backlog, and what the console
 * needs to tell each event's delivery per uplink. Each uplink room reports its own status; this
 * file only gathers them, so the dashboard card and the events page read the same thing.
 */
import { z } from 'zod';
import type { ActionTable } from './actions.js';

export type UplinkKind = 'embedded_broker' | 'city_mqtt' | 'gb28181' | 'gat1400';
/** off: not configured; connecting: trying, never up yet; up; down (was up, or failing). */
export type UplinkState = 'off' | 'connecting' | 'up' | 'down';

export interface UplinkStatus {
  kind: UplinkKind;
  state: UplinkState;
  /** When the state last changed (null: not since start). */
  since: string | null;
  /** Where to (URL or SIP address, no credentials). */
  target: string | null;
  /** Why it is down or not yet up, when known. */
  detail: string | null;
  /** Stored events waiting for this uplink; null when it carries no stored events (GB/T 28181 sends alarms live). */
  backlog: number | null;
  /**
   * How an event's delivery on this uplink is known: 'sent_flag' (the outbox row's sent mark,
   * MQTT), 'position' (rows of `kinds` up to `position` were taken, GA/T 1400), or 'none'.
   */
  delivery: { by: 'sent_flag' } | { by: 'position'; kinds: string[]; position: number } | { by: 'none' };
}

/** An uplink that is not configured or not running: no target, no backlog, no delivery. */
export function uplinkOff(kind: UplinkKind): UplinkStatus {
  return { kind, state: 'off', since: null, target: null, detail: null, backlog: null, delivery: { by: 'none' } };
}

export interface UplinkSource {
  /** The uplinks this room runs (or would run), configured or not. */
  uplinkStatus(): UplinkStatus[];
}

const ORDER: UplinkKind[] = ['embedded_broker', 'city_mqtt', 'gb28181', 'gat1400'];

/** Every uplink, in a fixed order, each kind once. */
export function gatherUplinks(sources: readonly UplinkSource[]): UplinkStatus[] {
  const all = sources.flatMap((s) => s.uplinkStatus());
  return ORDER.flatMap((k) => all.filter((u) => u.kind === k).slice(0, 1));
}

/**
 * An event's delivery on one uplink: 'sent', 'queued', or null when the uplink does not carry it
 * (or cannot tell). Pure; the console has its own copy of this rule (public/js/uplinks.js).
 */
export function deliveryOf(u: UplinkStatus, e: { rowid: number; kind: string; sent: boolean }): 'sent' | 'queued' | null {
  if (u.state === 'off') return null;
  if (u.delivery.by === 'sent_flag') return e.sent ? 'sent' : 'queued';
  if (u.delivery.by === 'position') return u.delivery.kinds.includes(e.kind) ? (e.rowid <= u.delivery.position ? 'sent' : 'queued') : null;
  return null;
}

export function registerUplinkActions(actions: ActionTable, sources: readonly UplinkSource[]): void {
  actions.register('uplinks/status', {
    role: 'viewer',
    description:
      'Every uplink (embedded MQTT broker, city MQTT, GB/T 28181, GA/T 1400): its state since when, where to, its backlog, and how each event’s delivery on it is known.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ uplinks: gatherUplinks(sources) }),
  });
}
