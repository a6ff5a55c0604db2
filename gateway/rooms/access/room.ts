import type { GatewayContext } from '../../core/context.js';
import type { ActionTable } from '../../core/actions.js';
import type { EventMeta } from '../../core/bus.js';
import type { Room, Scope } from '../../core/room.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import type { GateControl } from '../../core/services.js';
import { decide, prunePassages, type AccessPoint, type Decision, type PassageMemory, type Recognition } from './policy.js';
import { fromFace, fromPlate } from './recognitions.js';
import { registerWatchlistActions, Watchlist } from './watchlist.js';
import { registerWatchlistSyncActions } from './watchlist-sync.js';
import { registerGroupActions } from './group-actions.js';
import { GroupDirectory, GroupStore } from './group-store.js';
import { DecisionStore } from './decision-store.js';
import { accessGroups } from './groups-service.js';
import type { AccessGroups } from './services.js';

/**
 * The access room: recognitions in (face.recognized / face.unknown, plate.recognized),
 * decisions out. Each decision is published as the never-dropped access.decision (with its
 * audit row) and, when it allows, the gate is asked to open at once through the devices room;
 * its result follows as gate.command with the decision's id as requestId. Nothing here needs the
 * network.
 */
export class AccessRoom implements Room {
  readonly name = 'access';
  private readonly log: Logger;
  private readonly points: AccessPoint[];
  private readonly memory: PassageMemory = new Map();
  private readonly gatesInFault = new Set<string>();
  private watchlist: Watchlist | undefined;
  private groupStore: GroupStore | undefined;
  private groupDirectory: GroupDirectory | undefined;
  private decisions: DecisionStore | undefined;
  /** Memberships and who each gate admits, for the faces room (handed over by the controller). */
  readonly groups: AccessGroups;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { gates: GateControl },
  ) {
    this.log = componentLogger(ctx.log, 'access');
    this.points = ctx.loaded.config.access.points.map((p) => ({ cameraId: p.camera, gateId: p.gate, via: p.via }));
    this.groups = accessGroups(ctx.db, this.store());
  }

  registerActions(actions: ActionTable): void {
    registerWatchlistActions(actions, () => this.list());
    registerWatchlistSyncActions(actions, () => this.list());
    registerGroupActions(actions, () => this.store());
  }

  private store(): GroupStore {
    this.groupStore ??= new GroupStore(this.ctx.db);
    return this.groupStore;
  }

  private directory(): GroupDirectory {
    this.groupDirectory ??= new GroupDirectory(this.store(), this.ctx.db);
    return this.groupDirectory;
  }

  private list(): Watchlist {
    this.watchlist ??= new Watchlist(this.ctx.db);
    return this.watchlist;
  }

  summary(): string[] {
    return [`access: ${this.points.map((p) => `${p.cameraId} -(${p.via})-> ${p.gateId}`).join(', ') || 'no access points configured'}`];
  }

  async start(scope: Scope): Promise<void> {
    this.list();
    this.decisions = new DecisionStore(this.ctx.db);
    scope.on('face.recognized', (e, meta) => this.handle(fromFace(e, at(meta)), e.snapshotId));
    scope.on('face.unknown', (e, meta) => this.handle(fromFace(e, at(meta)), e.snapshotId));
    scope.on('plate.recognized', (e) => this.handle(fromPlate(e), e.snapshotId));
    scope.on('device.offline', (e) => void this.gatesInFault.add(e.deviceId));
    scope.on('device.online', (e) => void this.gatesInFault.delete(e.deviceId));
    const cooldownS = this.ctx.loaded.config.access.cooldownS;
    scope.every(60_000, () => prunePassages(this.memory, Date.now(), cooldownS));
  }

  private handle(rec: Recognition, snapshotId: string | null): void {
    const cfg = this.ctx.loaded.config.access;
    const decisions = decide(
      rec,
      this.points,
      {
        cooldownS: cfg.cooldownS,
        denied: this.list().subjects,
        deniedPlate: (p) => this.list().deniesPlate(p),
        gatesInFault: this.gatesInFault,
        groups: this.directory().current().data,
      },
      this.memory,
    );
    for (const d of decisions) this.carryOut(d, snapshotId);
  }

  private carryOut(d: Decision, snapshotId: string | null): void {
    const decisions = this.decisions;
    const { id } = this.ctx.events.publish(
      'access.decision',
      { ...d, snapshotId },
      { write: (eventId) => decisions?.record(eventId, d, snapshotId) },
    );
    this.log.info(
      { gateId: d.gateId, allow: d.allow, reason: d.reason, label: d.label, decisionId: id },
      d.allow ? 'access granted' : 'access refused',
    );
    if (!d.allow) return;
    this.deps.gates.run(d.gateId, 'open', { origin: 'access', requestId: id }).catch((err: unknown) => {
      // An unknown gate or unsupported command: config check refuses it, but never crash here.
      this.log.error({ gateId: d.gateId, decisionId: id, err }, 'gate could not be asked to open');
    });
  }
}

const at = (meta: EventMeta): Date => new Date(meta.ts);
