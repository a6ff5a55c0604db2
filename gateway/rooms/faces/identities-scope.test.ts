import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testContext, type TestContext } from '../../testing/context.js';
import { GroupDirectory, GroupStore } from '../access/group-store.js';
import { allowedAt } from '../access/group-policy.js';
import { Identities } from './identities.js';
import { ResidentStore } from './store/resident-store.js';

/** The residents' index as the faces room scopes it: a unit door's camera searches its building only. */
describe("a camera's search covers the people its gates admit", () => {
  let ctx: TestContext;
  beforeEach(() => (ctx = testContext('')));
  afterEach(() => ctx.dispose());

  it('finds a member at the unit door, never a non-member, and sizes the gallery (threshold) by the members', () => {
    const store = new ResidentStore({ db: ctx.db });
    const groups = new GroupStore(ctx.db);
    const basis = (k: number) => Float32Array.from({ length: 512 }, (_, i) => (i === k ? 1 : 0));
    for (let k = 0; k < 40; k++) store.add({ id: `r${k}`, name: `R${k}`, templates: [{ embedding: basis(k), quality: {}, source: 't' }] });
    groups.put({ id: 'b3', name: '3栋', gates: ['door-b3'], schedule: null, everyone: false });
    for (const id of ['r1', 'r2', 'r3']) groups.setMember('b3', id, true);
    const ids = new Identities({ store });
    ids.loadAll();
    const data = new GroupDirectory(groups, ctx.db).current().data;
    ids.setScopes(
      new Map([
        ['cam-door', allowedAt(data, ['door-b3'], ids.people())],
        ['cam-main', allowedAt(data, ['gate-main'], ids.people())],
      ]),
    );
    expect(ids.sizeFor('cam-door')).toBe(3);
    expect(ids.sizeFor('cam-main')).toBe(40);
    // r7's face at the unit door: the best among the building's residents is somebody else, far below any threshold.
    const r7 = basis(7);
    expect(ids.best(r7, 'cam-main')).toMatchObject({ residentId: 'r7', similarity: expect.closeTo(1, 2) });
    const atDoor = ids.best(r7, 'cam-door')!;
    expect(['r1', 'r2', 'r3']).toContain(atDoor.residentId);
    expect(atDoor.similarity).toBeLessThan(0.01);
    expect(ids.best(basis(2), 'cam-door')).toMatchObject({ residentId: 'r2' });
  });
});
