import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, testContext, type TestContext } from '../../testing/context.js';
import { KnownVehicles } from '../../rooms/plates/known-vehicles.js';
import { registerVehicleActions } from '../../rooms/plates/vehicle-actions.js';
import { registerWatchlistActions, Watchlist } from '../../rooms/access/watchlist.js';
import { registerWatchlistSyncActions } from '../../rooms/access/watchlist-sync.js';
import { SyncVersions } from './version-store.js';

/**
 * Vehicles and watchlist entries synchronised from the platform through the action table (the
 * one path of MQTT, console and CLI): out of order, duplicated, deleted then upserted late.
 */
describe('versioned sync of vehicles and the watchlist', () => {
  let ctx: TestContext;
  let vehicles: KnownVehicles;
  let watchlist: Watchlist;
  const events = (kind: string) => {
    ctx.events.flush();
    return ctx.outbox.takeBatch(1000).filter((r) => r.kind === kind);
  };
  beforeEach(() => {
    ctx = testContext('');
    vehicles = new KnownVehicles({ db: ctx.db, events: ctx.events });
    watchlist = new Watchlist(ctx.db);
    registerVehicleActions(ctx.actions, vehicles);
    registerWatchlistActions(ctx.actions, () => watchlist);
    registerWatchlistSyncActions(ctx.actions, () => watchlist);
  });
  afterEach(() => ctx.dispose());

  const car = (version: number, ownerId: string) => ({ plate: '粤B·D12345', ownerId, kind: 'resident', version });

  it('applies a newer vehicle, ignores a replay and refuses an older one, with one event per change', async () => {
    expect(await act(ctx, 'vehicles/upsert', car(2, 'r-2'))).toMatchObject({
      outcome: 'applied',
      version: 2,
      deleted: false,
      vehicle: { plate: '粤BD12345', ownerId: 'r-2' },
    });
    expect(await act(ctx, 'vehicles/upsert', car(2, 'r-2'))).toMatchObject({ outcome: 'duplicate', version: 2 });
    // Late and older: never overwrites; the answer shows what the box holds.
    expect(await act(ctx, 'vehicles/upsert', car(1, 'r-1'))).toMatchObject({
      outcome: 'stale',
      version: 2,
      vehicle: { ownerId: 'r-2' },
    });
    expect(vehicles.list().map((v) => v.ownerId)).toEqual(['r-2']);
    expect(events('vehicle.added').map((e) => (e.data as { ownerId: string }).ownerId)).toEqual(['r-2']);
  });

  it('keeps a deleted vehicle deleted against a late older upsert, and brings it back with a newer one', async () => {
    await act(ctx, 'vehicles/upsert', car(1, 'r-1'));
    expect(await act(ctx, 'vehicles/delete', { plate: '粤BD12345', version: 3 })).toEqual({
      outcome: 'applied',
      version: 3,
      deleted: true,
      existed: true,
    });
    expect(await act(ctx, 'vehicles/delete', { plate: '粤BD12345', version: 3 })).toMatchObject({ outcome: 'duplicate', existed: false });
    expect(await act(ctx, 'vehicles/upsert', car(2, 'r-late'))).toMatchObject({
      outcome: 'stale',
      version: 3,
      deleted: true,
      vehicle: null,
    });
    expect(await act(ctx, 'vehicles/upsert', car(3, 'r-same'))).toMatchObject({ outcome: 'stale', deleted: true });
    expect(vehicles.list()).toEqual([]);
    expect(await act(ctx, 'vehicles/upsert', car(4, 'r-4'))).toMatchObject({ outcome: 'applied', vehicle: { ownerId: 'r-4' } });
    expect(events('vehicle.removed')).toHaveLength(1);
    expect(events('vehicle.added').map((e) => (e.data as { ownerId: string }).ownerId)).toEqual(['r-1', 'r-4']);
  });

  it('a delete that arrives before its vehicle was ever seen still refuses the older upsert behind it', async () => {
    expect(await act(ctx, 'vehicles/delete', { plate: '沪A12345', version: 9 })).toMatchObject({ outcome: 'applied', existed: false });
    expect(await act(ctx, 'vehicles/upsert', { plate: '沪A12345', ownerId: 'x', version: 8 })).toMatchObject({ outcome: 'stale' });
    expect(vehicles.list()).toEqual([]);
    expect(events('vehicle.removed')).toHaveLength(0); // nothing was removed, nothing is said
  });

  it('ends the same whatever order and however often a shuffled history of one plate arrives', async () => {
    const history = [
      ['vehicles/upsert', car(1, 'a')],
      ['vehicles/upsert', car(2, 'b')],
      ['vehicles/delete', { plate: '粤BD12345', version: 3 }],
      ['vehicles/upsert', car(4, 'd')],
    ] as const;
    const orders = [
      [3, 2, 1, 0, 3, 0],
      [0, 1, 2, 3, 2, 1],
      [2, 3, 0, 0, 1, 3],
      [3, 0, 2, 1],
    ];
    for (const order of orders) {
      ctx.db.exec("DELETE FROM vehicles; DELETE FROM sync_versions WHERE entity = 'vehicle'");
      for (const i of order) await act(ctx, history[i]![0], history[i]![1]);
      expect(vehicles.list().map((v) => [v.plate, v.ownerId])).toEqual([['粤BD12345', 'd']]);
    }
  });

  it('refuses invalid input with the field named, and records nothing', async () => {
    await expect(act(ctx, 'vehicles/upsert', { plate: '粤BD12345', ownerId: 'x', version: -1 })).rejects.toThrow(/input.version/);
    await expect(act(ctx, 'vehicles/upsert', { plate: '粤BD12345', ownerId: 'x', version: 1.5 })).rejects.toThrow(/input.version/);
    await expect(act(ctx, 'vehicles/upsert', { plate: '粤BD12345', ownerId: 'x' })).rejects.toThrow(/input.version/);
    await expect(act(ctx, 'vehicles/upsert', { plate: 'XX123', ownerId: 'x', version: 1 })).rejects.toThrow(/not a valid Chinese plate/);
    // A visitor without validUntil: refused inside the versioned transaction, so the version is not kept either.
    await expect(act(ctx, 'vehicles/upsert', { plate: '粤BD12345', ownerId: 'x', kind: 'visitor', version: 5 })).rejects.toThrow(
      /needs validUntil/,
    );
    expect(new SyncVersions(ctx.db).get('vehicle', '粤BD12345')).toBeUndefined();
    expect(await act(ctx, 'vehicles/upsert', { plate: '粤BD12345', ownerId: 'x', version: 1 })).toMatchObject({ outcome: 'applied' });
  });

  it('a vehicle removed by hand is not brought back by a replay of its upsert, only by a newer one', async () => {
    await act(ctx, 'vehicles/upsert', car(5, 'r-5'));
    await act(ctx, 'vehicles/remove', { plate: '粤BD12345' });
    expect(await act(ctx, 'vehicles/upsert', car(5, 'r-5'))).toMatchObject({ outcome: 'stale', deleted: true });
    expect(await act(ctx, 'vehicles/upsert', car(6, 'r-6'))).toMatchObject({ outcome: 'applied' });
    // vehicles/add (no version) still works as before, and leaves the version alone.
    await act(ctx, 'vehicles/add', { plate: '粤BD12345', ownerId: 'by-hand' });
    expect(vehicles.get('粤BD12345')?.ownerId).toBe('by-hand');
    expect(await act(ctx, 'vehicles/upsert', car(6, 'r-6'))).toMatchObject({ outcome: 'duplicate' });
  });

  it('watchlist entries: out of order and duplicated, and the gate decisions see each applied change at once', async () => {
    expect(await act(ctx, 'watchlist/upsert', { subject: 'r-9', reason: 'court order', version: 10 })).toMatchObject({
      outcome: 'applied',
      entry: { subject: 'r-9', reason: 'court order' },
    });
    expect(watchlist.subjects.has('r-9')).toBe(true);
    expect(await act(ctx, 'watchlist/delete', { subject: 'r-9', version: 9 })).toMatchObject({ outcome: 'stale', version: 10 });
    expect(watchlist.subjects.has('r-9')).toBe(true);
    expect(await act(ctx, 'watchlist/delete', { subject: 'r-9', version: 11 })).toMatchObject({ outcome: 'applied', existed: true });
    expect(watchlist.subjects.has('r-9')).toBe(false);
    expect(await act(ctx, 'watchlist/upsert', { subject: 'r-9', reason: 'old', version: 10 })).toMatchObject({ outcome: 'stale' });
    expect(watchlist.subjects.has('r-9')).toBe(false);
    expect(await act(ctx, 'watchlist/delete', { subject: 'r-9', version: 11 })).toMatchObject({ outcome: 'duplicate' });
  });

  it('watchlist/set still replaces the whole list; entries it leaves out are held as deleted', async () => {
    await act(ctx, 'watchlist/upsert', { subject: '粤B00000', version: 1 });
    await act(ctx, 'watchlist/upsert', { subject: 'r-1', version: 1 });
    expect(await act(ctx, 'watchlist/set', { entries: [{ subject: 'r-1', reason: 'kept' }] })).toEqual({ count: 1 });
    expect(await act(ctx, 'watchlist/upsert', { subject: '粤B00000', version: 1 })).toMatchObject({ outcome: 'stale', deleted: true });
    expect(await act(ctx, 'watchlist/upsert', { subject: 'r-1', version: 1 })).toMatchObject({ outcome: 'duplicate' });
    expect([...watchlist.subjects]).toEqual(['r-1']);
  });

  it('forgets tombstones after sync.tombstoneDays, never live versions', () => {
    const versions = new SyncVersions(ctx.db);
    const t0 = new Date('2026-01-01T00:00:00Z');
    versions.applyVersioned('vehicle', 'A', 'delete', 1, () => true, t0);
    versions.applyVersioned('vehicle', 'B', 'upsert', 1, () => true, t0);
    expect(versions.purgeTombstones(30 * 86_400_000, new Date('2026-01-30T00:00:00Z'))).toBe(0);
    expect(versions.purgeTombstones(30 * 86_400_000, new Date('2026-02-01T00:00:00Z'))).toBe(1);
    expect(versions.get('vehicle', 'A')).toBeUndefined();
    expect(versions.get('vehicle', 'B')).toEqual({ version: 1, deleted: false });
  });

  it('every sync change is audited with who asked', async () => {
    await act(ctx, 'vehicles/upsert', car(1, 'r-1'));
    await act(ctx, 'vehicles/upsert', car(1, 'r-1'));
    const audit = events('audit.action').map((e) => e.data as { action: string; ok: boolean; input: { version: number } });
    expect(audit.map((a) => [a.action, a.ok, a.input.version])).toEqual([
      ['vehicles/upsert', true, 1],
      ['vehicles/upsert', true, 1],
    ]);
  });
});
