import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger } from '../core/logger.js';
import { decide, prunePassages, type AccessPoint, type Decision, type PassageMemory, type Recognition } from './policy.js';
import { fromFace, fromPlate } from './recognitions.js';
import { registerWatchlistActions, Watchlist } from './watchlist.js';
import './events.js';

/**
 * The access room: recognitions in (face.identified, plate.recognized), decisions out. Each
 * decision is stored with its never-dropped access.decision event in one transaction before the
 * gate is asked to open (gate.request on the bus; the devices room answers with gate.command).
 * Nothing here needs the network.
 */
export function createAccessRoom(ctx: GatewayContext): Room {
  const cfg = ctx.loaded.config.access;
  const log = componentLogger(ctx.log, 'access');
  const points: AccessPoint[] = cfg.points.map((p) => ({ cameraId: p.camera, gateId: p.gate, via: p.via }));
  const watchlist = new Watchlist(ctx.db);
  registerWatchlistActions(ctx.actions, watchlist);
  const memory: PassageMemory = new Map();
  const gatesInFault = new Set<string>();
  const insert = ctx.db.prepare(
    'INSERT INTO access_decisions(id, ts, gate_id, camera_id, via, allow, reason, subject_kind, subject_id, label, confidence, snapshot_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const offs: Array<() => void> = [];
  let pruneTimer: NodeJS.Timeout | undefined;

  const handle = (rec: Recognition, snapshotId: string | null) => {
    const decisions = decide(rec, points, { cooldownS: cfg.cooldownS, denied: watchlist.subjects, gatesInFault }, memory);
    for (const d of decisions) carryOut(d, snapshotId);
  };

  const carryOut = (d: Decision, snapshotId: string | null) => {
    const id = ctx.db.transaction(() => {
      const ev = ctx.outbox.append('access.decision', { ...d, snapshotId });
      insert.run(
        ev.id,
        d.ts,
        d.gateId,
        d.cameraId,
        d.via,
        d.allow ? 1 : 0,
        d.reason,
        d.subjectKind,
        d.subjectId,
        d.label,
        d.confidence,
        snapshotId,
      );
      return ev.id;
    });
    log.info(
      { gateId: d.gateId, allow: d.allow, reason: d.reason, label: d.label, decisionId: id },
      d.allow ? 'access granted' : 'access refused',
    );
    ctx.bus.emit('access.decided', { ...d, decisionId: id, snapshotId });
    if (d.allow) ctx.bus.emit('gate.request', { deviceId: d.gateId, command: 'open', origin: 'access', requestId: id });
  };

  offs.push(ctx.bus.on('face.identified', (e) => handle(fromFace(e), e.snapshotId)));
  offs.push(ctx.bus.on('plate.recognized', (e) => handle(fromPlate(e), e.snapshotId)));
  offs.push(ctx.bus.on('device.offline', (e) => void gatesInFault.add(e.deviceId)));
  offs.push(ctx.bus.on('device.online', (e) => void gatesInFault.delete(e.deviceId)));

  return {
    name: 'access',
    summary: () => [`access: ${points.map((p) => `${p.cameraId} -(${p.via})-> ${p.gateId}`).join(', ') || 'no access points configured'}`],
    async start() {
      pruneTimer = setInterval(() => prunePassages(memory, Date.now(), cfg.cooldownS), 60_000);
      pruneTimer.unref();
    },
    async stop() {
      if (pruneTimer) clearInterval(pruneTimer);
      for (const off of offs.splice(0)) off();
    },
  };
}
