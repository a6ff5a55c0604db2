import type { GatewayEvents, EventName } from './events.js';
import type { Logger } from './logger.js';

type Listener<K extends EventName> = (payload: GatewayEvents[K]) => void | Promise<void>;

/**
 * In-process typed event bus. Listeners are isolated: one that throws (or rejects) is logged
 * with the event name and does not stop the others or the emitter.
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
    const off = this.on(name, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  emit<K extends EventName>(name: K, payload: GatewayEvents[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<K>)(payload);
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
    this.log.error(
      { event: name, err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) },
      'bus listener failed',
    );
  }
}
