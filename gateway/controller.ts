import type { CheckedConfig } from './check-config.js';
import { componentLogger, type Logger } from './core/logger.js';
import { startRooms, stopRooms, type Room, type StartedRoom } from './core/room.js';
import { createContext, type GatewayContext } from './core/context.js';
import { registerCoreActions } from './core/core-actions.js';
import { HousekeepingRoom } from './store/housekeeping.js';
import { DevicesRoom } from './rooms/devices/room.js';
import { ConsoleRoom } from './rooms/console/room.js';
import { AccessRoom } from './rooms/access/room.js';
import { AlarmsRoom } from './rooms/alarms/room.js';
import { CamerasRoom } from './rooms/cameras/room.js';
import { CloudBridgeRoom } from '../cloud-bridge/mqtt/room.js';
import { PlatesRoom } from './rooms/plates/room.js';
import { FacesRoom } from './rooms/faces/room.js';
import { Gb28181Room } from '../cloud-bridge/gb28181/room.js';
import { DemoRoom } from './rooms/demo/room.js';
import { DemoCameraFeeds } from './rooms/demo/cameras.js';
import { Gat1400Room } from '../cloud-bridge/gat1400/room.js';
import { registerUplinkActions } from './core/uplinks.js';

/**
 * The composition root: the only place that builds concrete rooms and hands each the typed
 * services of the others it uses. Rooms start in the order listed and stop in reverse.
 */
export class Controller {
  readonly ctx: GatewayContext;
  private readonly rooms: Room[];
  private started: StartedRoom[] = [];
  /** The scopes of the last start, kept after the stop to show they were emptied. */
  private scopes: StartedRoom['scope'][] = [];

  /** Built from a config that passed the one check (gateway/check-config.ts), demo settings included. */
  constructor(loaded: CheckedConfig, log: Logger) {
    const configLog = componentLogger(log, 'config');
    for (const w of loaded.warnings) configLog.warn({ source: loaded.source }, w);
    for (const n of loaded.migrationNotes)
      configLog.warn({ source: loaded.source }, `${n} (\`sharpeyes config migrate --write\` updates the file)`);
    this.ctx = createContext(loaded, log);
    const ctx = this.ctx;
    // The demo room plays its cameras (when the demo runs); the cameras room runs them.
    const demoCameras = new DemoCameraFeeds(ctx.loaded.config);
    const cameras = new CamerasRoom(ctx, { feeds: demoCameras });
    const devices = new DevicesRoom(ctx);
    const frames = { frames: cameras.frames, snapshots: cameras.snapshots, regions: cameras };
    const access = new AccessRoom(ctx, { gates: devices });
    const faces = new FacesRoom(ctx, { ...frames, groups: access.groups });
    const plates = new PlatesRoom(ctx, frames);
    const cloud = new CloudBridgeRoom(ctx);
    const gat1400 = new Gat1400Room(ctx);
    const gb28181 = new Gb28181Room(ctx, { cameras, devices });
    // Recognition rooms start (load their models) before the cameras, so the first frames find
    // them ready; they subscribe to the cameras room's frame hub, which exists from construction.
    this.rooms = [
      new HousekeepingRoom(ctx),
      cloud, // early: drains last run's backlog while slow rooms start; stops last, so events recorded while they stop still go out, then the offline status
      gat1400, // GA/T 1400 uplink (off by default): its own outbox position, so it drains its backlog early too
      devices,
      faces,
      plates,
      new DemoRoom(ctx, { cameras: demoCameras, enrolment: faces, vehicles: plates.vehicles }), // plays the demo cameras and enrols the demo resident before the cameras room reads them
      cameras,
      access,
      new AlarmsRoom(ctx, { gates: devices, devices, cameras }),
      gb28181, // after cameras and devices: its catalog lists them; off unless gb28181.enabled
      new ConsoleRoom(ctx, { cameras }),
    ];
    registerCoreActions(ctx);
    registerUplinkActions(ctx.actions, [cloud, gb28181, gat1400]);
    for (const room of this.rooms) room.registerActions?.(ctx.actions);
  }

  async start(): Promise<void> {
    this.ctx.events.recoverJournal();
    this.started = await startRooms(this.rooms, { bus: this.ctx.bus, log: componentLogger(this.ctx.log, 'controller') });
    this.scopes = this.started.map((s) => s.scope);
    this.ctx.bus.emit('gateway.started', { version: this.ctx.version, startedAt: this.ctx.startedAt });
  }

  /** The rooms, in start order. */
  roomNames(): string[] {
    return this.rooms.map((r) => r.name);
  }

  /** Listeners, timers and other things the rooms' scopes hold: 0 once the controller stopped. */
  openInScopes(): number {
    return this.scopes.reduce((n, s) => n + s.open, 0);
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
