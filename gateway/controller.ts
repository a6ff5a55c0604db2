import { resolve } from 'node:path';
import type { LoadedConfig } from './config/load.js';
import { resolveConfigPath } from './config/load.js';
import { EventBus } from './core/bus.js';
import { ActionTable } from './core/actions.js';
import { componentLogger, type Logger } from './core/logger.js';
import { startRooms, stopRooms, type Room } from './core/room.js';
import type { GatewayContext } from './core/context.js';
import { Database } from './store/database.js';
import { Outbox } from './store/outbox.js';
import { createHousekeepingRoom } from './store/housekeeping.js';
import { createDevicesRoom } from './devices/room.js';
import { createConsoleRoom } from './console/room.js';
import { createAccessRoom } from './access/room.js';
import { createAlarmsRoom } from './alarms/room.js';
import { createCamerasRoom } from './cameras/room.js';
import { createCloudBridgeRoom } from '../cloud-bridge/room.js';
import { createGat1400Room } from '../cloud-bridge/gat1400/room.js';
import { registerCoreActions } from './core/core-actions.js';
import { VERSION } from './version.js';
import { createPlatesRoom } from './plates/room.js';
import { createFacesRoom } from './faces/room.js';

/**
 * The composition root: the only place that wires concrete rooms together. Rooms start in the
 * order listed and stop in reverse.
 */
export class Controller {
  readonly ctx: GatewayContext;
  private rooms: Room[] = [];
  private started: Room[] = [];

  constructor(loaded: LoadedConfig, log: Logger) {
    const dataDir = resolveConfigPath(loaded, loaded.config.node.dataDir);
    const db = new Database(resolve(dataDir, 'gateway.db'));
    const outbox = new Outbox({
      db,
      log: componentLogger(log, 'outbox'),
      quotaBytes: Math.round(loaded.config.outbox.quotaMb * 1024 * 1024),
    });
    this.ctx = {
      loaded,
      nodeId: loaded.nodeId,
      version: VERSION,
      startedAt: new Date().toISOString(),
      dataDir,
      log,
      bus: new EventBus({ log: componentLogger(log, 'bus') }),
      actions: new ActionTable(),
      db,
      outbox,
    };
    registerCoreActions(this.ctx);
    this.rooms = this.buildRooms();
  }

  private buildRooms(): Room[] {
    const ctx = this.ctx;
    // Recognition rooms start (load their models) before the cameras, so the first frames find
    // them ready; they take the frame source from the cameras room's `cameras.ready` event.
    return [
      createHousekeepingRoom(ctx),
      createCloudBridgeRoom(ctx), // early: drains last run's backlog while slow rooms start; stops last, so events recorded while they stop still go out, then the offline status
      createGat1400Room(ctx), // GA/T 1400 uplink (off by default): its own outbox position, so it drains its backlog early too
      createDevicesRoom(ctx),
      createFacesRoom(ctx),
      createPlatesRoom(ctx),
      createCamerasRoom(ctx),
      createAccessRoom(ctx),
      createAlarmsRoom(ctx),
      createConsoleRoom(ctx),
    ];
  }

  async start(): Promise<void> {
    this.started = await startRooms(this.rooms, componentLogger(this.ctx.log, 'controller'));
    this.ctx.bus.emit('gateway.started', { version: this.ctx.version, startedAt: this.ctx.startedAt });
  }

  /** What the started rooms offer (URLs, demo peers), for the start-up banner. */
  summary(): string[] {
    return this.started.flatMap((r) => r.summary?.() ?? []);
  }

  async stop(reason = 'stop requested'): Promise<void> {
    this.ctx.bus.emit('gateway.stopping', { reason });
    await stopRooms(this.started, componentLogger(this.ctx.log, 'controller'));
    this.started = [];
    this.ctx.db.close();
  }
}
