import { describe, expect, it } from 'vitest';
import { closeSecond, isLookalike, isUnissuedFold, lookalikeKey, matchPlate, PlateIndex, plateDistance, tolerated } from './match.js';
import type { Evidence } from './ctc-decode.js';

const known = [{ plate: '粤B12445' }, { plate: '湘A0D888' }, { plate: '皖AD11166' }];

/**
 * The reader's evidence for a read: every position read at `p`, except the positions given,
 * where the read glyph had `p` and another glyph `q` (what the recogniser's CTC output offers).
 */
function evidence(read: string, at: Record<number, [string, number, number]> = {}, p = 0.99): Evidence {
  return [...read].map((c, i) => {
    const x = at[i];
    return x ? { [c]: x[1], [x[0]]: x[2] } : { [c]: p };
  });
}

describe('look-alike glyphs', () => {
  it('pairs only glyphs the recogniser confuses, never two digits, never the province', () => {
    for (const [a, b] of ['0O', '0D', 'OD', '8B', '6G', '5S', '4A', '1L', '1I'].map((p) => [...p] as [string, string]))
      expect([a, b, isLookalike(a, b), isLookalike(b, a)]).toEqual([a, b, true, true]);
    for (const [a, b] of ['68', '17', '69', '03', '2Z', 'UV', 'CG', 'HN', 'MW', 'EF', 'KX', '0Q', '1T', 'AA'].map(
      (p) => [...p] as [string, string],
    ))
      expect([a, b, isLookalike(a, b)]).toEqual([a, b, false]);
    expect(lookalikeKey('粤B8O123')).toBe(lookalikeKey('粤BB0123'));
    expect(lookalikeKey('粤B80123')).not.toBe(lookalikeKey('鄂B80123'));
    expect(lookalikeKey('粤B80123')).not.toBe(lookalikeKey('粤B801234'));
  });
  it('folds only I/1 and O/0, and only in serial positions, without evidence', () => {
    expect([isUnissuedFold('I', '1', 2), isUnissuedFold('0', 'O', 6), isUnissuedFold('O', '0', 1)]).toEqual([true, true, false]);
    for (const [a, b] of ['8B', '6G', '5S', '4A', '0D', '1L'].map((p) => [...p] as [string, string]))
      expect([a, b, isUnissuedFold(a, b, 4)]).toEqual([a, b, false]);
  });
  it('weights look-alike substitutions in the edit distance', () => {
    expect(plateDistance('粤B12345', '粤B12345')).toBe(0);
    expect(plateDistance('粤B1234S', '粤B12345')).toBe(0.5);
    expect(plateDistance('粤B19345', '粤B12345')).toBe(1);
  });
});

describe('the close-second rule (the reader hesitated between the two glyphs)', () => {
  it('needs the known glyph at least closeSecond of the read glyph, and a look-alike pair', () => {
    expect(closeSecond({ A: 0.6, '4': 0.35 }, 'A', '4', 0.5)).toBe(true);
    expect(closeSecond({ A: 0.75, '4': 0.25 }, 'A', '4', 0.5)).toBe(false); // a confident character: the rest is at most 0.25
    expect(closeSecond({ A: 0.99 }, 'A', '4', 0.5)).toBe(false);
    expect(closeSecond({ '7': 0.5, '1': 0.5 }, '7', '1', 0.5)).toBe(false); // not look-alikes
    expect(closeSecond(undefined, 'A', '4', 0.5)).toBe(false);
  });
  it('counts evidence folds against `lookalikes`; I/O folds are free', () => {
    const o = { lookalikes: 1, closeSecond: 0.5 };
    expect(tolerated('粤B12A45', '粤B12445', o, evidence('粤B12A45', { 4: ['4', 0.5, 0.45] }))).toEqual({ evidence: 1, all: 1 });
    expect(tolerated('粤BI2A45', '粤B12445', o, evidence('粤BI2A45', { 4: ['4', 0.5, 0.45] }))).toEqual({ evidence: 1, all: 2 });
    const two = evidence('粤BB2A45', { 2: ['8', 0.5, 0.45], 4: ['4', 0.5, 0.45] });
    expect(tolerated('粤BB2A45', '粤B82445', o, two)).toBeUndefined();
    expect(tolerated('粤BB2A45', '粤B82445', { ...o, lookalikes: 2 }, two)).toEqual({ evidence: 2, all: 2 });
  });
});

describe('known plate matching', () => {
  it('never opens 粤B12445 for the valid plate 粤B12A45 read confidently (the issue 18 case)', () => {
    expect(matchPlate('粤B12A45', known, {}, evidence('粤B12A45'))).toBeUndefined();
    // A at the reader's confident floor, every other glyph's probability given to 4
    expect(matchPlate('粤B12A45', known, {}, evidence('粤B12A45', { 4: ['4', 0.75, 0.25] }))).toBeUndefined();
    expect(matchPlate('粤B12A45', known)).toBeUndefined(); // text alone
    for (const twin of ['粤B12A4S', '粤BL2445', '粤B1244S', '粤B12A4S'])
      expect([twin, matchPlate(twin, known, {}, evidence(twin))]).toEqual([twin, undefined]);
  });
  it('recovers a look-alike misread when the reader had the known glyph as its close second', () => {
    expect(matchPlate('粤B12A45', known, {}, evidence('粤B12A45', { 4: ['4', 0.55, 0.42] }))).toEqual({
      entry: known[0],
      distance: 0.5,
      kind: 'lookalike',
    });
    const both = evidence('湘A0DBB8', { 4: ['8', 0.5, 0.4], 5: ['8', 0.6, 0.5] });
    expect(matchPlate('湘A0DBB8', known, {}, both)?.entry).toBe(known[1]);
    expect(matchPlate('湘A0DBB8', known, { lookalikes: 1 }, both)).toBeUndefined();
    expect(matchPlate('湘A0DBB8', known, { lookalikes: 0 }, both)).toBeUndefined();
    // evidence for the wrong glyph (8 was close to B at position 4, but the known plate differs at 5 too)
    expect(matchPlate('湘A0DBB8', known, {}, evidence('湘A0DBB8', { 4: ['8', 0.5, 0.4] }))).toBeUndefined();
  });
  it('folds I/O in serials without evidence (never issued there)', () => {
    expect(matchPlate('湘AOD888', known)?.entry).toBe(known[1]);
    expect(matchPlate('皖ADI1166', known)?.entry).toBe(known[2]);
  });
  it('never matches one other, inserted or missing character, or another province', () => {
    for (const read of ['粤B12446', '粤B92445', '粤B1244', '粤B124456', '粤BB12445', '湘A0D88', '皖AD1116', '鄂B12445'])
      expect([read, matchPlate(read, known, {}, evidence(read, {}, 0.5))]).toEqual([read, undefined]);
  });
  it('refuses a read that is an equally close look-alike of two known plates', () => {
    const two = [{ plate: '粤B80123' }, { plate: '粤BB0123' }];
    expect(matchPlate('粤B80123', two)?.entry).toBe(two[0]);
    const unsure = evidence('粤B8D123', { 2: ['B', 0.5, 0.45], 3: ['0', 0.5, 0.45] });
    expect(matchPlate('粤B8D123', two, {}, unsure)?.entry).toBe(two[0]); // one fold from the first, two from the second
    expect(matchPlate('粤B8D123', [{ plate: '粤B80123' }, { plate: '粤BBD123' }], {}, unsure)).toBeUndefined();
  });
  it('skips entries the caller says are not usable (expired visitors)', () => {
    const idx = new PlateIndex([
      { plate: '粤B12345', ok: false },
      { plate: '粤B1234S', ok: true },
    ]);
    expect(idx.match('粤B12345', {}, (e) => e.ok, evidence('粤B12345', { 6: ['S', 0.6, 0.4] }))?.entry.plate).toBe('粤B1234S');
    expect(idx.match('粤B12345', {}, (e) => e.ok, evidence('粤B12345'))).toBeUndefined();
  });
});

describe('known plate matching with maxDistance (less safe, opt-in)', () => {
  it('accepts other edits within the weighted distance, and across provinces only when asked', () => {
    const k = [{ plate: '粤B12345' }];
    expect(matchPlate('粤B19345', k, { maxDistance: 1 })).toMatchObject({ entry: k[0], distance: 1, kind: 'edit' });
    expect(matchPlate('粤B1234', k, { maxDistance: 1 })?.kind).toBe('edit');
    expect(matchPlate('桂B12345', k, { maxDistance: 1 })).toBeUndefined();
    expect(matchPlate('桂B12345', k, { maxDistance: 1, crossProvince: true })?.entry.plate).toBe('粤B12345');
  });
});
