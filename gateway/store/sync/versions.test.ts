import { describe, expect, it } from 'vitest';
import { answer, judge, type HeldVersion, type SyncOp } from './versions.js';

describe('versioned sync: which change applies', () => {
  const live = (version: number): HeldVersion => ({ version, deleted: false });
  const gone = (version: number): HeldVersion => ({ version, deleted: true });
  const cases: Array<[string, HeldVersion | undefined, SyncOp, number, ReturnType<typeof judge>]> = [
    ['a first upsert applies', undefined, 'upsert', 1, 'applied'],
    ['a delete of a record never seen applies (it leaves a tombstone)', undefined, 'delete', 4, 'applied'],
    ['a newer upsert applies', live(3), 'upsert', 4, 'applied'],
    ['the same upsert again is a duplicate', live(3), 'upsert', 3, 'duplicate'],
    ['an older upsert is stale', live(3), 'upsert', 2, 'stale'],
    ['a newer delete applies', live(3), 'delete', 5, 'applied'],
    ['a delete at the live version is stale (one version, one change)', live(3), 'delete', 3, 'stale'],
    ['an older delete is stale', live(3), 'delete', 1, 'stale'],
    ['the same delete again is a duplicate', gone(5), 'delete', 5, 'duplicate'],
    ['an upsert older than a delete is stale (the tombstone refuses it)', gone(5), 'upsert', 4, 'stale'],
    ['an upsert at the version of a delete is stale', gone(5), 'upsert', 5, 'stale'],
    ['an upsert newer than a delete brings the record back', gone(5), 'upsert', 6, 'applied'],
    ['version 0 is a version like any other', undefined, 'upsert', 0, 'applied'],
  ];
  it.each(cases)('%s', (_what, held, op, version, expected) => {
    expect(judge(held, op, version)).toBe(expected);
  });

  it('answers with what the box holds after the request', () => {
    expect(answer('applied', live(3), 'delete', 7)).toEqual({ outcome: 'applied', version: 7, deleted: true });
    expect(answer('applied', undefined, 'upsert', 1)).toEqual({ outcome: 'applied', version: 1, deleted: false });
    expect(answer('stale', gone(9), 'upsert', 2)).toEqual({ outcome: 'stale', version: 9, deleted: true });
    expect(answer('duplicate', live(4), 'upsert', 4)).toEqual({ outcome: 'duplicate', version: 4, deleted: false });
  });

  it('ends in the same state whatever order a shuffled, duplicated history arrives in', () => {
    // One record's history on the platform: v1 upsert, v2 upsert, v3 delete, v4 upsert, v5 delete, v6 upsert.
    const history: Array<[SyncOp, number]> = [
      ['upsert', 1],
      ['upsert', 2],
      ['delete', 3],
      ['upsert', 4],
      ['delete', 5],
      ['upsert', 6],
    ];
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const deliveries = [...history, ...history.filter(() => rnd() < 0.5)].sort(() => rnd() - 0.5);
      let held: HeldVersion | undefined;
      for (const [op, v] of deliveries) if (judge(held, op, v) === 'applied') held = { version: v, deleted: op === 'delete' };
      expect(held).toEqual({ version: 6, deleted: false });
    }
  });
});
