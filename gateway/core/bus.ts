import type { EventName, GatewayEvents, InternalEventName } from '../events.js';
import type { Logger } from './logger.js';

/** What a listener learns besides the payload: the event's id (published events) and time. */
export interface EventMeta {
  /** The outbox id (ULID) of a published event, the platform's dedupe key; absent for bus-only events. */
  id?: string;
  /** ISO 8601 time of the event (the envelope's `ts` for a published one). */
  ts: string;
}

type Listener<K extends EventName> = (payload: GatewayEvents[K], meta: EventMeta) => void | Promise<void>;

/**
 * In-process typed event bus, typed by the event catalogue (core/events.ts). Listeners are
 * isolated: one that throws (or rejects) is logged with the event name and does not stop the
 * others or the emitter. Published events reach it through `EventPublisher.publish` (which also
 * records them for the platform); `emit` takes only bus-only events.
 */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<never>>>();
  private readonly log: Logger;

  constructor(ctx: { log: Logger }) {
    this.log = ctx.log;
  }

  on<K extends EventName>(name: K, listener: Listener<K>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  once<K extends EventName>(name: K, listener: Listener<K>): () => void {
    const off = this.on(name, (payload, meta) => {
      off();
      return listener(payload, meta);
    });
    return off;
  }

  /** A bus-only event (published events go through EventPublisher.publish). */
  emit<K extends InternalEventName>(name: K, payload: GatewayEvents[K]): void {
    this.deliver(name, payload, { ts: new Date().toISOString() });
  }

  /** Calls every listener of `name`; for EventPublisher. */
  deliver<K extends EventName>(name: K, payload: GatewayEvents[K], meta: EventMeta): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<K>)(payload, meta);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((err: unknown) => this.report(name, err));
        }
      } catch (err) {
        this.report(name, err);
      }
    }
  }

  /** Resolves with the next payload of `name` that matches `filter`, or rejects after `ms`. */
  waitFor<K extends EventName>(name: K, filter: (p: GatewayEvents[K]) => boolean = () => true, ms = 10_000): Promise<GatewayEvents[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${ms} ms waiting for ${name}`));
      }, ms);
      const off = this.on(name, (p) => {
        if (!filter(p)) return;
        clearTimeout(timer);
        off();
        resolve(p);
      });
    });
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0;
  }

  private report(name: string, err: unknown): void {
    this.log.error({ event: name, err }, 'bus listener failed');
  }
}
