import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, testContext, type TestContext } from '../../../testing/context.js';
import { GroupStore } from '../../access/group-store.js';
import { registerGroupActions } from '../../access/group-actions.js';
import { registerResidentActions } from '../actions.js';
import { Identities } from '../identities.js';
import { ResidentStore } from './resident-store.js';
import { LearnedTemplates } from './learned-store.js';

/** The console's residents list through the action table: search, paging, details, groups, thumbnails, erasure. */
describe('residents/page and residents/update', () => {
  let ctx: TestContext;
  let store: ResidentStore;
  const face = new Float32Array(512).fill(1 / Math.sqrt(512));
  beforeEach(async () => {
    ctx = testContext('');
    store = new ResidentStore({ db: ctx.db });
    const groups = new GroupStore(ctx.db);
    registerGroupActions(ctx.actions, () => groups);
    registerResidentActions(ctx.actions, ctx.loaded.config.faces, () => ({
      store,
      groups,
      identities: new Identities({ store }),
      pipeline: () => Promise.reject(new Error('no models in this test')),
    }));
    await act(ctx, 'groups/set', { id: 'b3', name: '3栋', gates: ['door-b3'] });
    for (let i = 0; i < 45; i++)
      store.add({
        id: `r${String(i).padStart(2, '0')}`,
        name: i === 7 ? '王_伟' : `Person ${String(i).padStart(2, '0')}`,
        templates: [{ embedding: face, quality: {}, source: 't', crop: Buffer.from([0xff, 0xd8, i]) }],
        details: { building: String((i % 5) + 1), room: `${i + 100}`, phone: i === 3 ? '13800138000' : null },
      });
  });
  afterEach(() => ctx.dispose());

  it('pages in name order with the total, and each row carries its thumbnail and groups', async () => {
    await act(ctx, 'residents/update', { id: 'r01', groups: ['b3'], unit: '2' });
    const p1 = (await act(ctx, 'residents/page', { limit: 20 })) as { total: number; residents: Array<Record<string, unknown>> };
    expect(p1.total).toBe(45);
    expect(p1.residents).toHaveLength(20);
    expect(p1.residents[0]).toMatchObject({ id: 'r00', name: 'Person 00', building: '1', room: '100', groups: [], hasThumbnail: true });
    expect(p1.residents[0]!.thumbnail).toBe(Buffer.from([0xff, 0xd8, 0]).toString('base64'));
    expect(p1.residents[1]).toMatchObject({ id: 'r01', unit: '2', groups: ['b3'] });
    const p3 = (await act(ctx, 'residents/page', { offset: 40, limit: 20 })) as { residents: Array<{ name: string }> };
    expect(p3.residents.map((r) => r.name).at(-1)).toBe('王_伟');
  });

  it('searches every word over name, id, address and phone; LIKE wildcards are literal', async () => {
    const q = async (text: string) =>
      (await act(ctx, 'residents/page', { q: text })) as { total: number; residents: Array<{ id: string }> };
    expect((await q('13800')).residents.map((r) => r.id)).toEqual(['r03']);
    expect((await q('王_')).residents.map((r) => r.id)).toEqual(['r07']);
    expect((await q('%')).total).toBe(0);
    expect((await q('Person 4 104')).residents.map((r) => r.id)).toEqual(['r04']);
    await act(ctx, 'residents/update', { id: 'r05', groups: ['b3'] });
    expect(((await act(ctx, 'residents/page', { group: 'b3' })) as { total: number }).total).toBe(1);
  });

  it('refuses an unknown group, and erasing a person takes their thumbnail, details and memberships', async () => {
    await expect(act(ctx, 'residents/update', { id: 'r02', groups: ['nope'] })).rejects.toThrow(/no access group nope/);
    await act(ctx, 'residents/update', { id: 'r02', groups: ['b3'], phone: '' });
    expect(store.thumbnail('r02')).toBeDefined();
    await act(ctx, 'residents/remove', { id: 'r02' });
    expect(store.thumbnail('r02')).toBeUndefined();
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM access_members WHERE resident_id = ?').get('r02')).toEqual({ n: 0 });
    expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM residents WHERE id = ?').get('r02')).toEqual({ n: 0 });
  });
});

describe('learned templates in the console list', () => {
  it('residents/page counts them apart from the photos, and residents/clear-learned erases them only', async () => {
    const ctx = testContext('');
    try {
      const store = new ResidentStore({ db: ctx.db });
      const groups = new GroupStore(ctx.db);
      registerResidentActions(ctx.actions, ctx.loaded.config.faces, () => ({
        store,
        groups,
        identities: new Identities({ store }),
        pipeline: () => Promise.reject(new Error('no models in this test')),
      }));
      const face = new Float32Array(512).fill(1 / Math.sqrt(512));
      store.add({ id: 'r1', name: 'Li', templates: [{ embedding: face, quality: {}, source: 't' }] });
      const evidence = { similarity: 0.9, second: 0.1, threshold: 0.5, cameraId: 'c', frames: 2 };
      new LearnedTemplates(store).add({ residentId: 'r1', embedding: face, evidence }, 3);
      const page = (await act(ctx, 'residents/page', { limit: 20 })) as { residents: Array<Record<string, unknown>> };
      expect(page.residents[0]).toMatchObject({ id: 'r1', templates: 1, learned: 1 });
      expect(await act(ctx, 'residents/clear-learned', { id: 'r1' })).toEqual({ id: 'r1', cleared: 1 });
      expect(store.get('r1')).toMatchObject({ templates: 1, learned: 0 });
      await expect(act(ctx, 'residents/clear-learned', { id: 'nobody' })).rejects.toMatchObject({ code: 'not_found' });
    } finally {
      ctx.dispose();
    }
  });
});
