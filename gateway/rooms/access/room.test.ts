import { afterEach, describe, expect, it } from 'vitest';
import { act, startRoom, testContext, type TestContext } from '../../testing/context.js';
import type { GatewayEvents } from '../../events.js';
import type { GateControl } from '../devices/room.js';
import { KnownVehicles } from '../plates/known-vehicles.js';
import type { Evidence } from '../plates/match.js';
import { AccessRoom } from './room.js';

/**
 * Who may open a barrier: the plates room's matcher and the access room together, on a real
 * database, as the daemon wires them (plate.recognized published → access.decision). The gate is
 * a recorder: what reaches a real gate is the devices room's business.
 */
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function barrier(): Promise<{ ctx: TestContext; vehicles: KnownVehicles; opened: string[] }> {
  const ctx = testContext('access:\n  cooldownS: 0\n  points: [{camera: lane-1, gate: barrier-1, via: plate}]\n');
  const opened: string[] = [];
  const gates: GateControl = {
    run: (deviceId, command) => {
      opened.push(`${deviceId}:${command}`);
      return Promise.resolve({ ok: true, attempts: 1, ms: 0 });
    },
  };
  const stop = await startRoom(ctx, new AccessRoom(ctx, { gates }));
  cleanup = async () => {
    await stop();
    ctx.dispose();
  };
  return { ctx, vehicles: new KnownVehicles({ db: ctx.db, events: ctx.events }), opened };
}

/** What the plates room publishes for a read: the known vehicle it matched with the daemon's defaults. */
function recognised(
  ctx: TestContext,
  vehicles: KnownVehicles,
  plate: string,
  ts: number,
  evidence?: Evidence,
): GatewayEvents['plate.recognized'] {
  const m = vehicles.match(plate, new Date(ts), ctx.loaded.config.plates.match, evidence);
  const at = new Date(ts).toISOString();
  return {
    cameraId: 'lane-1',
    plate,
    colour: 'blue',
    confidence: 0.97,
    reads: 2,
    box: { x: 0, y: 0, width: 100, height: 30 },
    known: m !== undefined,
    vehicle: m
      ? { plate: m.entry.plate, ownerId: m.entry.ownerId, kind: m.entry.kind, validUntil: m.entry.validUntil, distance: m.distance }
      : null,
    snapshotId: null,
    cropId: null,
    at,
    firstSeen: at,
  };
}

/** `evidence`: what the reader saw per position of a plate (text alone when absent). */
function read(ctx: TestContext, vehicles: KnownVehicles, plates: string[], evidence: Record<string, Evidence> = {}): void {
  let t = Date.now();
  for (const p of plates) ctx.events.publish('plate.recognized', recognised(ctx, vehicles, p, t++, evidence[p]));
}

function decisions(ctx: TestContext): { allow: boolean; reason: string; label: string }[] {
  ctx.events.flush();
  return ctx.outbox
    .takeBatch(100)
    .filter((r) => r.kind === 'access.decision')
    .map((r) => r.data as { allow: boolean; reason: string; label: string });
}

describe('who may open a barrier', () => {
  it('a plate one digit off a resident’s is a stranger, not the resident', async () => {
    const { ctx, vehicles, opened } = await barrier();
    vehicles.add({ plate: '粤B12345', ownerId: 'r-1' });
    read(ctx, vehicles, ['粤B12346', '粤B1234', '粤B123456', '粤B92345']);
    expect(decisions(ctx).map((d) => [d.label, d.allow, d.reason])).toEqual([
      ['粤B12346', false, 'unknown'],
      ['粤B1234', false, 'unknown'],
      ['粤B123456', false, 'unknown'],
      ['粤B92345', false, 'unknown'],
    ]);
    expect(opened).toEqual([]);
  });

  it('a resident read with look-alike glyphs the reader hesitated over still gets in; a confident twin does not', async () => {
    const { ctx, vehicles, opened } = await barrier();
    vehicles.add({ plate: '粤B60845', ownerId: 'r-1' });
    const unsure: Evidence = [{ 粤: 0.99 }, { B: 0.99 }, { G: 0.5, 6: 0.45 }, { 0: 0.99 }, { B: 0.6, 8: 0.4 }, { 4: 0.99 }, { 5: 0.99 }];
    read(ctx, vehicles, ['粤BG0B45'], { 粤BG0B45: unsure });
    expect(decisions(ctx).map((d) => [d.allow, d.reason])).toEqual([[true, 'resident']]);
    // Kept in access_decisions under the event's id (decision-store.ts, the event's transaction).
    const [event] = ctx.outbox.recent(10).filter((r) => r.kind === 'access.decision');
    expect(ctx.db.prepare('SELECT id, gate_id AS gateId, allow, reason, label FROM access_decisions').all()).toEqual([
      { id: event!.id, gateId: 'barrier-1', allow: 1, reason: 'resident', label: '粤BG0B45' },
    ]);
    expect(opened).toEqual(['barrier-1:open']);
    const sure: Evidence = [{ 粤: 0.99 }, { B: 0.99 }, { G: 0.97 }, { 0: 0.99 }, { B: 0.98 }, { 4: 0.99 }, { 5: 0.99 }];
    read(ctx, vehicles, ['粤BG0B45'], { 粤BG0B45: sure });
    expect(decisions(ctx).map((d) => [d.allow, d.reason])).toEqual([
      [true, 'resident'],
      [false, 'unknown'],
    ]);
    expect(opened).toEqual(['barrier-1:open']);
  });

  it('a watch-listed plate read one look-alike glyph off is refused', async () => {
    const { ctx, vehicles, opened } = await barrier();
    await act(ctx, 'watchlist/set', { entries: ['粤B8O123', '湘A12345'].map((subject) => ({ subject })) });
    vehicles.add({ plate: '粤B80123', ownerId: 'r-2' }); // a resident whose plate looks like the listed one
    vehicles.add({ plate: '湘A12345', ownerId: 'r-3' });
    read(ctx, vehicles, [
      '粤BB0123', // unknown read
      '粤B80123', // matches the resident exactly
      '湘A1234S', // matches the listed resident by a look-alike
    ]);
    expect(decisions(ctx).map((d) => [d.label, d.allow, d.reason])).toEqual([
      ['粤BB0123', false, 'denied'],
      ['粤B80123', false, 'denied'],
      ['湘A1234S', false, 'denied'],
    ]);
    expect(opened).toEqual([]);
  });
});
