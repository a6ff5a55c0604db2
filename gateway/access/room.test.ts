import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { EventBus } from '../core/bus.js';
import { ActionTable } from '../core/actions.js';
import { createLogger } from '../core/logger.js';
import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { KnownVehicles } from '../plates/known-vehicles.js';
import type { PlateRecognizedEvent } from '../plates/events.js';
import '../plates/events.js';
import { createAccessRoom } from './room.js';

/**
 * Who may open a barrier: the plates room's matcher and the access room together, on a real
 * database, as the daemon wires them (plate.recognized on the bus → access.decision).
 */
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function barrier(): Promise<{ ctx: GatewayContext; room: Room; vehicles: KnownVehicles }> {
  const dir = mkdtempSync(join(tmpdir(), 'access-room-'));
  const loaded = parseConfig('access:\n  cooldownS: 0\n  points: [{camera: lane-1, gate: barrier-1, via: plate}]\n', {
    source: 'test',
    baseDir: dir,
  });
  const log = createLogger({ level: 'silent' });
  const db = new Database(join(dir, 'gateway.db'));
  const ctx: GatewayContext = {
    loaded,
    nodeId: 't',
    version: '0',
    startedAt: '',
    dataDir: dir,
    log,
    bus: new EventBus({ log }),
    actions: new ActionTable(),
    db,
    outbox: new Outbox({ db, log, quotaBytes: 1e7 }),
  };
  const room = createAccessRoom(ctx);
  await room.start();
  cleanup = async () => {
    await room.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { ctx, room, vehicles: new KnownVehicles({ db }) };
}

/** What the plates room emits for a read: the known vehicle it matched with the daemon's defaults. */
function recognised(vehicles: KnownVehicles, plate: string, ts: number): PlateRecognizedEvent {
  const m = vehicles.match(plate, new Date(ts), parseConfig('', { source: 'test', baseDir: '/' }).config.plates.match);
  return {
    cameraId: 'lane-1',
    plate,
    colour: 'blue',
    confidence: 0.97,
    vehicle: m ? { plate: m.entry.plate, ownerId: m.entry.ownerId, kind: m.entry.kind, validUntil: m.entry.validUntil } : null,
    snapshotId: null,
    ts,
  };
}

async function setWatchlist(ctx: GatewayContext, subjects: string[]): Promise<void> {
  const a = ctx.actions.get('watchlist/set')!;
  await a.handle(a.input.parse({ entries: subjects.map((subject) => ({ subject })) }), { origin: 'cli', transaction: 't' });
}

function decisions(ctx: GatewayContext): { allow: boolean; reason: string; label: string }[] {
  return ctx.outbox
    .takeBatch(100)
    .filter((r) => r.kind === 'access.decision')
    .map((r) => r.data as { allow: boolean; reason: string; label: string });
}

describe('who may open a barrier', () => {
  it('a plate one digit off a resident’s is a stranger, not the resident', async () => {
    const { ctx, vehicles } = await barrier();
    vehicles.add({ plate: '粤B12345', ownerId: 'r-1' });
    let t = Date.now();
    for (const read of ['粤B12346', '粤B1234', '粤B123456', '粤B92345']) ctx.bus.emit('plate.recognized', recognised(vehicles, read, t++));
    expect(decisions(ctx).map((d) => [d.label, d.allow, d.reason])).toEqual([
      ['粤B12346', false, 'unknown'],
      ['粤B1234', false, 'unknown'],
      ['粤B123456', false, 'unknown'],
      ['粤B92345', false, 'unknown'],
    ]);
  });

  it('a resident read with look-alike glyphs still gets in', async () => {
    const { ctx, vehicles } = await barrier();
    vehicles.add({ plate: '粤B60845', ownerId: 'r-1' });
    ctx.bus.emit('plate.recognized', recognised(vehicles, '粤BG0B45', Date.now()));
    expect(decisions(ctx).map((d) => [d.allow, d.reason])).toEqual([[true, 'resident']]);
  });

  it('a watch-listed plate read one look-alike glyph off is refused', async () => {
    const { ctx, vehicles } = await barrier();
    await setWatchlist(ctx, ['粤B8O123', '湘A12345']);
    vehicles.add({ plate: '粤B80123', ownerId: 'r-2' }); // a resident whose plate looks like the listed one
    vehicles.add({ plate: '湘A12345', ownerId: 'r-3' });
    let t = Date.now();
    ctx.bus.emit('plate.recognized', recognised(vehicles, '粤BB0123', t++)); // unknown read
    ctx.bus.emit('plate.recognized', recognised(vehicles, '粤B80123', t++)); // matches the resident exactly
    ctx.bus.emit('plate.recognized', recognised(vehicles, '湘A1234S', t++)); // matches the listed resident by a look-alike
    expect(decisions(ctx).map((d) => [d.label, d.allow, d.reason])).toEqual([
      ['粤BB0123', false, 'denied'],
      ['粤B80123', false, 'denied'],
      ['湘A1234S', false, 'denied'],
    ]);
  });
});
