import type { LoadedConfig } from './config/load.js';
import { componentLogger, type Logger } from './core/logger.js';
import { startRooms, stopRooms, type Room, type StartedRoom } from './core/room.js';
import { createContext, type GatewayContext } from './core/context.js';
import { registerCoreActions } from './core/core-actions.js';
import { HousekeepingRoom } from './store/housekeeping.js';
import { DevicesRoom } from './devices/room.js';
import { ConsoleRoom } from './console/room.js';
import { AccessRoom } from './access/room.js';
import { AlarmsRoom } from './alarms/room.js';
import { CamerasRoom } from './cameras/room.js';
import { CloudBridgeRoom } from '../cloud-bridge/room.js';
import { PlatesRoom } from './plates/room.js';
import { FacesRoom } from './faces/room.js';

/**
 * The composition root: the only place that builds concrete rooms and hands each the typed
 * services of the others it uses. Rooms start in the order listed and stop in reverse.
 */
export class Controller {
  readonly ctx: GatewayContext;
  private readonly rooms: Room[];
  private started: StartedRoom[] = [];

  constructor(loaded: LoadedConfig, log: Logger) {
    this.ctx = createContext(loaded, log);
    const ctx = this.ctx;
    const cameras = new CamerasRoom(ctx);
    const devices = new DevicesRoom(ctx);
    // Recognition rooms start (load their models) before the cameras, so the first frames find
    // them ready; they subscribe to the cameras room's frame hub, which exists from construction.
    this.rooms = [
      new HousekeepingRoom(ctx),
      new CloudBridgeRoom(ctx), // early: drains last run's backlog while slow rooms start; stops last, so events recorded while they stop still go out, then the offline status
      devices,
      new FacesRoom(ctx, { frames: cameras.frames, snapshots: cameras.snapshots }),
      new PlatesRoom(ctx, { frames: cameras.frames, snapshots: cameras.snapshots }),
      cameras,
      new AccessRoom(ctx, { gates: devices }),
      new AlarmsRoom(ctx, { gates: devices, cameras }),
      new ConsoleRoom(ctx, { cameras }),
    ];
    registerCoreActions(ctx);
    for (const room of this.rooms) room.registerActions?.(ctx.actions);
  }

  async start(): Promise<void> {
    this.ctx.events.recoverJournal();
    this.started = await startRooms(this.rooms, { bus: this.ctx.bus, log: componentLogger(this.ctx.log, 'controller') });
    this.ctx.bus.emit('gateway.started', { version: this.ctx.version, startedAt: this.ctx.startedAt });
  }

  /** What the started rooms offer (URLs, demo peers), for the start-up banner. */
  summary(): string[] {
    return this.started.flatMap(({ room }) => room.summary?.() ?? []);
  }

  async stop(reason = 'stop requested'): Promise<void> {
    this.ctx.bus.emit('gateway.stopping', { reason });
    await stopRooms(this.started, componentLogger(this.ctx.log, 'controller'));
    this.started = [];
    this.ctx.events.stop();
    this.ctx.db.close();
  }
}
