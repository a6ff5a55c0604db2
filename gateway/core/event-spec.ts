import type { z } from 'zod';

/**
 * How an event is declared, once, in its room's `events.ts`: the payload schema (with its
 * description), what happens to it while the uplink is down, and whether it is published on
 * `events/<kind>`. The same name and payload travel on the in-process bus and on the wire.
 *
 * - `never-dropped`: alarms, access decisions, gate commands: kept whatever the outbox quota.
 * - `normal`: kept until the quota is reached, then compacted after the compactable ones.
 * - `compactable`: dropped first when the outbox is over its quota (motion, raw inputs).
 * Unpublished events live on the bus only (priority is then meaningless: use `normal`).
 */
export type Priority = 'never-dropped' | 'normal' | 'compactable';

export interface EventSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  priority: Priority;
  published: boolean;
}

/** Declares a room's events; the `const` keeps each `published` a literal type. */
export function defineEvents<const T extends Record<string, EventSpec>>(specs: T): T {
  return specs;
}

/** The outbox's numeric priority (0 is never dropped; higher is compacted first). */
export const PRIORITY_RANK: Record<Priority, 0 | 1 | 2> = { 'never-dropped': 0, normal: 1, compactable: 2 };
