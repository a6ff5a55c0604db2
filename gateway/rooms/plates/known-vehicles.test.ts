import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../store/database.js';
import type { Outbox } from '../../store/outbox.js';
import { ActionTable } from '../../core/actions.js';
import { TEST_ACTOR, testContext, type TestContext } from '../../testing/context.js';
import { KnownVehicles } from './known-vehicles.js';
import { registerVehicleActions } from './vehicle-actions.js';

describe('known vehicles (SQLite, migration 005)', () => {
  let ctx: TestContext;
  let db: Database;
  let outbox: Outbox;
  let vehicles: KnownVehicles;
  beforeEach(() => {
    ctx = testContext();
    ({ db, outbox } = ctx);
    vehicles = new KnownVehicles({ db, events: ctx.events });
  });
  afterEach(() => ctx.dispose());

  it('adds residents and visitors, and matches only those valid now', () => {
    vehicles.add({ plate: '粤B·12345', ownerId: 'r-1' });
    vehicles.add({
      plate: '湘A0D888',
      ownerId: 'h-2',
      kind: 'visitor',
      validFrom: '2026-11-24T08:00:00Z',
      validUntil: '2026-11-24T20:00:00+00:00',
    });
    expect(vehicles.list().map((v) => v.plate)).toEqual(['湘A0D888', '粤B12345']);
    expect(vehicles.match('粤B12345')?.entry.ownerId).toBe('r-1');
    expect(vehicles.match('湘A0D888', new Date('2026-11-24T09:00:00Z'))?.entry).toMatchObject({
      kind: 'visitor',
      validUntil: '2026-11-24T20:00:00.000Z',
    });
    expect(vehicles.match('湘A0D888', new Date('2026-11-24T21:00:00Z'))).toBeUndefined();
    expect(vehicles.match('湘A0D888', new Date('2026-11-24T07:00:00Z'))).toBeUndefined();
    expect(vehicles.match('桂B12345')).toBeUndefined();
    // Each change is an outbox event, written with it.
    expect(outbox.takeBatch(10).map((r) => r.kind)).toEqual(['vehicle.added', 'vehicle.added']);
  });

  it("matches exact plates, or look-alike glyphs only on the reader's evidence, and sees vehicles added by another process", () => {
    vehicles.add({ plate: '粤B12345', ownerId: 'r-1' });
    expect(vehicles.match('粤B12346')).toBeUndefined();
    const sure = [...'粤B1234S'].map((c) => ({ [c]: 0.98 }));
    const unsure = [...sure.slice(0, 6), { S: 0.55, 5: 0.44 }];
    expect(vehicles.match('粤B1234S', new Date(), {}, sure)).toBeUndefined();
    expect(vehicles.match('粤B1234S', new Date(), {}, unsure)?.entry.plate).toBe('粤B12345');
    expect(vehicles.knownMatch('粤B1234S', new Date(), {}, unsure)).toBe('lookalike');
    // The offline CLI writes through its own connection while the daemon runs.
    const dir = mkdtempSync(join(tmpdir(), 'vehicles-'));
    const a = testContext('', { dir });
    const b = testContext('', { dir });
    try {
      const daemon = new KnownVehicles({ db: a.db, events: a.events });
      expect(daemon.match('湘A0D888')).toBeUndefined();
      new KnownVehicles({ db: b.db, events: b.events }).add({ plate: '湘A0D888', ownerId: 'r-2' });
      expect(daemon.match('湘AOD888')?.entry.ownerId).toBe('r-2'); // O is never issued in a serial
      new KnownVehicles({ db: b.db, events: b.events }).remove('湘A0D888');
      expect(daemon.match('湘A0D888')).toBeUndefined();
      // ...and through another KnownVehicles on the same connection.
      new KnownVehicles({ db: a.db, events: a.events }).add({ plate: '皖AD11166', ownerId: 'r-3' });
      expect(daemon.match('皖AD11166')?.entry.ownerId).toBe('r-3');
    } finally {
      a.dispose();
      b.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input with readable errors', () => {
    expect(() => vehicles.add({ plate: 'ABC', ownerId: 'x' })).toThrow(/not a valid Chinese plate/);
    expect(() => vehicles.add({ plate: '粤B12345', ownerId: 'x', kind: 'visitor' })).toThrow(/needs validUntil/);
    expect(() =>
      vehicles.add({ plate: '粤B12345', ownerId: 'x', validFrom: '2026-11-25T00:00:00Z', validUntil: '2026-11-24T00:00:00Z' }),
    ).toThrow(/before/);
  });

  it('serves vehicles/add, vehicles/remove and vehicles/list through the action table', async () => {
    const actions = new ActionTable();
    registerVehicleActions(actions, vehicles);
    const call = (name: string, input: unknown) => actions.run(name, input, TEST_ACTOR);
    await call('vehicles/add', { plate: '皖AD11166', ownerId: 'r-9' });
    expect(await call('vehicles/list', {})).toMatchObject([{ plate: '皖AD11166', kind: 'resident' }]);
    expect(await call('vehicles/remove', { plate: '皖A·D11166' })).toEqual({ removed: '皖AD11166' });
    await expect(call('vehicles/remove', { plate: '皖AD11166' })).rejects.toThrow(/no known vehicle/);
    expect(actions.get('vehicles/add')!.input.safeParse({ plate: 'x', ownerId: 'y', extra: 1 }).success).toBe(false);
  });
});
