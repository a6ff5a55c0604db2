import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, testContext, type TestContext } from '../../testing/context.js';
import { ResidentStore } from '../faces/store/resident-store.js';
import { registerGroupActions } from './group-actions.js';
import { GroupDirectory, GroupStore } from './group-store.js';
import { mayPass } from './group-policy.js';

/**
 * Access groups and memberships through the action table (the one path of MQTT, console and
 * CLI), stored in SQLite: versioned sync out of order and replayed, tombstones, local edits,
 * and memberships erased with the person.
 */
describe('access groups: sync, edits and storage', () => {
  let ctx: TestContext;
  let store: GroupStore;
  beforeEach(() => {
    ctx = testContext('');
    store = new GroupStore(ctx.db);
    registerGroupActions(ctx.actions, () => store);
  });
  afterEach(() => ctx.dispose());
  const b3 = (version: number, name = 'Building 3') => ({ id: 'b3', name, gates: ['door-b3'], version });

  it('a newer group applies, a replay changes nothing, an older one is refused; a delete is a tombstone', async () => {
    expect(await act(ctx, 'groups/upsert', b3(2))).toMatchObject({
      outcome: 'applied',
      version: 2,
      group: { name: 'Building 3', gates: ['door-b3'] },
    });
    expect(await act(ctx, 'groups/upsert', b3(2, 'other'))).toMatchObject({ outcome: 'duplicate', group: { name: 'Building 3' } });
    expect(await act(ctx, 'groups/upsert', b3(1, 'old'))).toMatchObject({ outcome: 'stale', version: 2 });
    expect(await act(ctx, 'groups/delete', { id: 'b3', version: 3 })).toMatchObject({ outcome: 'applied', existed: true });
    expect(await act(ctx, 'groups/upsert', b3(2))).toMatchObject({ outcome: 'stale', deleted: true, group: null });
    expect(await act(ctx, 'groups/upsert', b3(4, 'back'))).toMatchObject({ outcome: 'applied', group: { name: 'back', version: 4 } });
  });

  it('memberships sync one by one with their own versions; leaving is a tombstone', async () => {
    await act(ctx, 'groups/upsert', b3(1));
    expect(await act(ctx, 'groups/join', { groupId: 'b3', residentId: 'li', version: 5 })).toMatchObject({ outcome: 'applied' });
    expect(store.groupsOf('li')).toEqual(['b3']);
    expect(await act(ctx, 'groups/leave', { groupId: 'b3', residentId: 'li', version: 6 })).toMatchObject({
      outcome: 'applied',
      existed: true,
    });
    expect(await act(ctx, 'groups/join', { groupId: 'b3', residentId: 'li', version: 5 })).toMatchObject({
      outcome: 'stale',
      deleted: true,
    });
    expect(store.groupsOf('li')).toEqual([]);
    await expect(act(ctx, 'groups/join', { groupId: 'nope', residentId: 'li', version: 1 })).rejects.toThrow(/no access group nope/);
  });

  it('local edits: a schedule is checked, members added and removed, the directory reloads on change only', async () => {
    await expect(
      act(ctx, 'groups/set', { id: 'c', name: 'Cleaners', gates: ['door-b3'], schedule: { windows: [{ days: [1], from: '7', to: '9' }] } }),
    ).rejects.toThrow(/times are "HH:MM"/);
    await act(ctx, 'groups/set', {
      id: 'c',
      name: 'Cleaners',
      gates: ['door-b3'],
      schedule: { timeZone: 'UTC', windows: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '09:00' }] },
    });
    const dir = new GroupDirectory(store, ctx.db);
    expect(dir.current().changed).toBe(true);
    expect(dir.current().changed).toBe(false);
    expect(await act(ctx, 'groups/members', { id: 'c', add: ['zhao', 'qian'], remove: [] })).toMatchObject({ group: { members: 2 } });
    const { data, changed } = dir.current();
    expect(changed).toBe(true);
    expect(mayPass(data, { id: 'zhao', kind: 'resident' }, 'door-b3', new Date('2026-11-23T08:00:00Z'))).toBeNull();
    expect(mayPass(data, { id: 'zhao', kind: 'resident' }, 'door-b3', new Date('2026-11-23T10:00:00Z'))).toBe('outside_schedule');
    expect(mayPass(data, { id: 'sun', kind: 'resident' }, 'door-b3', new Date('2026-11-23T08:00:00Z'))).toBe('not_in_group');
    await act(ctx, 'groups/members', { id: 'c', remove: ['qian'] });
    expect(store.members('c')).toEqual(['zhao']);
    expect(await act(ctx, 'groups/list', {})).toMatchObject({ groups: [{ id: 'c', members: 1, version: null }] });
    expect(await act(ctx, 'groups/remove', { id: 'c' })).toEqual({ removed: 'c' });
    expect(store.groupsOf('zhao')).toEqual([]);
  });

  it('erasing a person erases their memberships', async () => {
    await act(ctx, 'groups/set', { id: 'b3', name: 'B3', gates: ['door-b3'] });
    const residents = new ResidentStore({ db: ctx.db });
    residents.add({
      id: 'li',
      name: 'Li',
      templates: [{ embedding: new Float32Array(512).fill(1 / Math.sqrt(512)), quality: {}, source: 't' }],
    });
    store.setGroupsOf('li', ['b3']);
    expect(store.groupsOf('li')).toEqual(['b3']);
    residents.remove('li');
    expect(store.groupsOf('li')).toEqual([]);
  });
});
