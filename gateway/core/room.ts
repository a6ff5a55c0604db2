import type { ActionTable } from './actions.js';
import type { EventBus, EventMeta } from './bus.js';
import type { EventName, GatewayEvents } from '../events.js';
import type { Logger } from './logger.js';
import { errMessage } from './errors.js';

/**
 * A room is one concern of the daemon (store, cloud bridge, cameras, devices, ...), and every
 * room has this one shape:
 *
 * - `constructor(ctx, deps)` only sets fields. `deps` are the typed services of other rooms it
 *   uses (the controller, the composition root, hands them over), never their internals.
 * - `registerActions(actions)` adds the requests it answers (MQTT, console, CLI); the controller
 *   calls it for every room before any starts, so no request finds an action missing.
 * - `start(scope)` subscribes to the bus and starts timers through `scope`, then does its work.
 * - `stop()`, only for a room with work the scope cannot end (a server, child processes, a
 *   flush before exit), ends that work; then the scope drops every subscription and timer.
 *   A room whose start only subscribes and schedules through its scope has no stop.
 *
 * Rooms start in the controller's order and stop in reverse, each stop in its own try/catch.
 */
export interface Room {
  readonly name: string;
  registerActions?(actions: ActionTable): void;
  start(scope: Scope): Promise<void>;
  /** Ends work the scope cannot (optional: the scope alone closes what went through it). */
  stop?(): Promise<void>;
  /** Lines for the start-up banner once started (URLs, what runs), e.g. "console: http://...". */
  summary?(): string[];
}

/** What a room subscribes to and schedules while it runs; closed after its stop. */
export class Scope {
  /** Each thing to undo, in the order added (a Set: a one-off timer that fired leaves it). */
  private readonly disposers = new Set<{ dispose: () => void | Promise<void> }>();
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  /** Listeners, timers and other things open now (0 once closed): what a stopped room would leave. */
  get open(): number {
    return this.disposers.size;
  }

  /** Listens to a bus event until the room stops. */
  on<K extends EventName>(name: K, listener: (payload: GatewayEvents[K], meta: EventMeta) => void | Promise<void>): void {
    this.add(this.bus.on(name, listener));
  }

  /** Runs `fn` every `ms` until the room stops; a throw is logged, the timer goes on. */
  every(ms: number, fn: () => void | Promise<void>): void {
    const timer = setInterval(() => this.run(fn), ms);
    timer.unref();
    this.add(() => clearInterval(timer));
  }

  /**
   * Runs `fn` once after `ms` unless the room stops first (a retry, a deadline); a throw is
   * logged. Returns the function that cancels it. Once fired or cancelled it is no longer held.
   */
  after(ms: number, fn: () => void | Promise<void>): () => void {
    if (this.closed) throw new Error('scope already closed');
    const entry = { dispose: () => clearTimeout(timer) };
    const timer = setTimeout(() => {
      this.disposers.delete(entry);
      this.run(fn);
    }, ms);
    timer.unref();
    this.disposers.add(entry);
    return () => {
      clearTimeout(timer);
      this.disposers.delete(entry);
    };
  }

  /** Anything to undo when the room has stopped (closed in reverse order). */
  add(dispose: () => void | Promise<void>): void {
    if (this.closed) throw new Error('scope already closed');
    this.disposers.add({ dispose });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.disposers].reverse();
    this.disposers.clear();
    for (const d of all) {
      try {
        await d.dispose();
      } catch (err) {
        this.log.error({ err }, 'room scope cleanup failed');
      }
    }
  }

  private run(fn: () => void | Promise<void>): void {
    try {
      const r = fn();
      if (r instanceof Promise) r.catch((err: unknown) => this.log.error({ err }, 'room timer failed'));
    } catch (err) {
      this.log.error({ err }, 'room timer failed');
    }
  }
}

export interface StartedRoom {
  room: Room;
  scope: Scope;
}

export async function startRooms(rooms: Room[], ctx: { bus: EventBus; log: Logger }): Promise<StartedRoom[]> {
  const started: StartedRoom[] = [];
  for (const room of rooms) {
    const t0 = performance.now();
    const scope = new Scope(ctx.bus, ctx.log.child({ room: room.name }));
    try {
      await room.start(scope);
    } catch (err) {
      ctx.log.error({ room: room.name, err }, 'room failed to start; stopping the rooms already started');
      await scope.close();
      await stopRooms(started, ctx.log);
      throw new Error(`room ${room.name} failed to start: ${errMessage(err)}`, { cause: err });
    }
    started.push({ room, scope });
    ctx.log.info({ room: room.name, ms: Math.round(performance.now() - t0) }, 'room started');
  }
  return started;
}

export async function stopRooms(rooms: StartedRoom[], log: Logger): Promise<void> {
  for (const { room, scope } of [...rooms].reverse()) {
    try {
      await room.stop?.();
      log.info({ room: room.name }, 'room stopped');
    } catch (err) {
      log.error({ room: room.name, err }, 'room failed to stop cleanly');
    }
    await scope.close();
  }
}
