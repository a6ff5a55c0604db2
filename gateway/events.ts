import { z } from 'zod';
import { defineEvents, PRIORITY_RANK, type EventSpec } from './core/event-spec.js';
import { storeEvents } from './store/events.js';
import { deviceEvents } from './rooms/devices/events.js';
import { cameraEvents } from './rooms/cameras/events.js';
import { faceEvents } from './rooms/faces/events.js';
import { plateEvents } from './rooms/plates/events.js';
import { accessEvents } from './rooms/access/events.js';
import { alarmEvents } from './rooms/alarms/events.js';
import { cloudEvents } from '../cloud-bridge/mqtt/events.js';
import { auditEvents } from './core/audit/events.js';
import { gb28181Events } from '../cloud-bridge/gb28181/events.js';
import { gat1400Events } from '../cloud-bridge/gat1400/events.js';

/** The daemon's own lifecycle events (bus only). */
const lifecycleEvents = defineEvents({
  'gateway.started': {
    priority: 'normal',
    published: false,
    schema: z.strictObject({ version: z.string(), startedAt: z.string() }).describe('The daemon finished starting every room.'),
  },
  'gateway.stopping': {
    priority: 'normal',
    published: false,
    schema: z.strictObject({ reason: z.string() }).describe('The daemon is about to stop every room.'),
  },
});

/**
 * The catalogue of every event, in process and on the wire: each room declares its own in
 * `<room>/events.ts` (name, payload schema with its description, priority, published) and is
 * listed here. The bus is typed by it, the outbox takes its priorities from it, and the JSON
 * Schemas in cloud-bridge/schemas/ and the README's event table are generated from it
 * (`npm run -s schemas`, `npm run -s docs`). Adding an event: declare it in its room's
 * events.ts, then publish it (`ctx.events.publish`).
 */
export const catalogue = {
  ...lifecycleEvents,
  ...storeEvents,
  ...deviceEvents,
  ...cameraEvents,
  ...faceEvents,
  ...plateEvents,
  ...accessEvents,
  ...alarmEvents,
  ...cloudEvents,
  ...auditEvents,
  ...gb28181Events,
  ...gat1400Events,
} satisfies Record<string, EventSpec>;

export type Catalogue = typeof catalogue;
export type EventName = keyof Catalogue;
/** The payload of each event, the same on the bus and in `data` on the wire. */
export type GatewayEvents = { [K in EventName]: z.output<Catalogue[K]['schema']> };
export type PublishedEventName = { [K in EventName]: Catalogue[K]['published'] extends true ? K : never }[EventName];
export type InternalEventName = Exclude<EventName, PublishedEventName>;

/** The published events, by kind (JSON Schemas and the README table are generated from it). */
export function publishedEvents(): Array<[PublishedEventName, EventSpec]> {
  return (Object.entries(catalogue) as Array<[EventName, EventSpec]>)
    .filter(([, spec]) => spec.published)
    .sort(([a], [b]) => a.localeCompare(b)) as Array<[PublishedEventName, EventSpec]>;
}

/** The outbox priority of a kind (0 never dropped .. 2 compacted first); unknown kinds are normal. */
export function priorityRank(kind: string): 0 | 1 | 2 {
  const spec = (catalogue as Record<string, EventSpec>)[kind];
  return spec ? PRIORITY_RANK[spec.priority] : 1;
}

/** The payload schema of a kind, or undefined for a kind the catalogue does not know. */
export function eventSchema(kind: string): z.ZodType | undefined {
  return (catalogue as Record<string, EventSpec>)[kind]?.schema;
}
