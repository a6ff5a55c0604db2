import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../store/database.js';
import { Identities } from '../identities.js';
import { ResidentStore } from './resident-store.js';

const dim = 512;
function vec(seed: number): Float32Array {
  const v = Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const tpl = (seed: number) => ({ embedding: vec(seed), quality: { facePx: 120 }, source: `p${seed}.jpg` });

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe('ResidentStore + Identities', () => {
  it('adds, lists, renames, keeps several templates and erases a resident for good', () => {
    const db = new Database(':memory:');
    const store = new ResidentStore({ db });
    expect(store.version()).toBe(0);
    const r = store.add({ id: 'r1', name: 'Li Wei', templates: [tpl(1), tpl(2)] });
    expect(r).toMatchObject({ id: 'r1', name: 'Li Wei', templates: 2 });
    store.add({ id: 'r1', name: 'Li Wei (B-203)', templates: [tpl(3)] });
    expect(store.list()).toMatchObject([{ id: 'r1', name: 'Li Wei (B-203)', templates: 3 }]);
    expect(store.embeddings('r1')[0]).toEqual(vec(1));
    const generated = store.add({ name: 'Wang Fang', templates: [tpl(4)] });
    expect(generated.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(() => store.add({ id: 'bad id!', name: 'x', templates: [tpl(5)] })).toThrow(/invalid resident id/);
    expect(store.remove('r1')).toBe(true);
    expect(store.remove('r1')).toBe(false);
    expect(db.prepare<{ n: number }>('SELECT COUNT(*) AS n FROM face_templates WHERE resident_id = ?').get('r1')!.n).toBe(0);
    expect(store.list().map((x) => x.name)).toEqual(['Wang Fang']);
    // The change log keeps one row per resident (the latest), not a history of them.
    expect(db.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM resident_changes WHERE resident_id = 'r1'").get()!.n).toBe(1);
    db.close();
  });

  it('a daemon sharing the file with the CLI reloads only what changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faces-store-'));
    dirs.push(dir);
    const daemonDb = new Database(join(dir, 'gateway.db'));
    const cliDb = new Database(join(dir, 'gateway.db'));
    const ids = new Identities({ store: new ResidentStore({ db: daemonDb }) });
    const cli = new ResidentStore({ db: cliDb });
    cli.add({ id: 'a', name: 'A', templates: [tpl(1)] });
    expect(ids.loadAll()).toBe(1);
    expect(ids.refresh()).toEqual([]); // nothing new
    cli.add({ id: 'b', name: 'B', templates: [tpl(2), tpl(3)] });
    cli.add({ id: 'c', name: 'C', templates: [tpl(4)] });
    cli.remove('a');
    expect(ids.refresh().sort()).toEqual(['a', 'b', 'c']);
    expect(ids.size).toBe(2);
    expect(ids.best(vec(4))).toMatchObject({ residentId: 'c', name: 'C' });
    expect(ids.best(vec(1))?.residentId).not.toBe('a');
    // b's search vector is the mean of its two templates: closer to each than a stranger is.
    expect(ids.best(vec(2))!.similarity).toBeGreaterThan(0.5);
    expect(ids.refresh()).toEqual([]);
    cliDb.close();
    daemonDb.close();
  });

  it("keeps a visitor's pass, replaces templates on upsert, and an erased person's pass stays known to a track decided on them", () => {
    const db = new Database(':memory:');
    const store = new ResidentStore({ db });
    const ids = new Identities({ store });
    const pass = { kind: 'visitor' as const, validFrom: null, validUntil: '2026-11-24T10:00:00.000Z', hostId: 'r-9' };
    store.add({ id: 'v1', name: 'Guest', templates: [tpl(1)], pass });
    store.add({ id: 'v1', name: 'Guest', templates: [tpl(2)] }); // more photos: the pass is kept
    expect(store.get('v1')).toMatchObject({ kind: 'visitor', validUntil: pass.validUntil, hostId: 'r-9', templates: 2, version: null });
    expect(ids.loadAll()).toBe(1);
    expect(ids.pass('v1')).toEqual(pass);
    const r = store.upsert({ id: 'v1', name: 'Guest', pass: { ...pass, validUntil: '2026-11-25T10:00:00.000Z' }, templates: [tpl(3)] });
    expect(r).toMatchObject({ templates: 1, validUntil: '2026-11-25T10:00:00.000Z' });
    expect(store.embeddings('v1')).toEqual([vec(3)]);
    expect(() => store.upsert({ id: 'nobody', name: 'x', pass })).toThrow(/no face on this box/);
    expect(store.visitorsEndedBefore('2026-11-25T10:00:00.000Z')).toEqual([]);
    expect(store.visitorsEndedBefore('2026-11-25T10:00:00.001Z')).toEqual([
      { id: 'v1', hostId: 'r-9', validUntil: '2026-11-25T10:00:00.000Z', templates: 1 },
    ]);
    ids.refresh();
    expect(store.remove('v1')).toBe(true);
    ids.refresh();
    expect(ids.size).toBe(0);
    // A track that matched v1 just before is judged on the pass v1 had, not as a resident.
    expect(ids.pass('v1').kind).toBe('visitor');
    expect(ids.pass('never-enrolled')).toMatchObject({ kind: 'visitor', validUntil: new Date(0).toISOString() });
    db.close();
  });
});
