import { describe, expect, it } from 'vitest';
import { isLookalike, lookalikeKey, matchPlate, PlateIndex, plateDistance } from './match.js';

const known = [{ plate: '粤B12345' }, { plate: '湘A0D888' }, { plate: '皖AD11166' }];

describe('look-alike glyphs', () => {
  it('pairs only glyphs the recogniser confuses, never two digits, never the province', () => {
    for (const [a, b] of ['0O', '0D', 'OD', '8B', '6G', '5S', '4A', '1L', '1I'].map((p) => [...p] as [string, string]))
      expect([a, b, isLookalike(a, b), isLookalike(b, a)]).toEqual([a, b, true, true]);
    for (const [a, b] of ['68', '17', '69', '03', '2Z', 'UV', 'CG', 'HN', 'MW', 'EF', 'KX', '0Q', '1T', 'AA'].map(
      (p) => [...p] as [string, string],
    ))
      expect([a, b, isLookalike(a, b)]).toEqual([a, b, false]);
    expect(lookalikeKey('粤B8O123')).toBe(lookalikeKey('粤BB0123'));
    expect(lookalikeKey('粤B8O123')).toBe(lookalikeKey('粤B80123'));
    expect(lookalikeKey('粤B80123')).not.toBe(lookalikeKey('鄂B80123'));
    expect(lookalikeKey('粤B80123')).not.toBe(lookalikeKey('粤B801234'));
  });
  it('weights look-alike substitutions in the edit distance', () => {
    expect(plateDistance('粤B12345', '粤B12345')).toBe(0);
    expect(plateDistance('粤B1234S', '粤B12345')).toBe(0.5);
    expect(plateDistance('粤B19345', '粤B12345')).toBe(1);
    expect(plateDistance('粤B1234', '粤B12345')).toBe(1);
  });
});

describe('known plate matching (defaults: exact or look-alike glyphs only)', () => {
  it('matches exactly, or by at most two look-alike glyphs', () => {
    expect(matchPlate('粤B12345', known)).toEqual({ entry: known[0], distance: 0, kind: 'exact' });
    expect(matchPlate('湘A0DB88', known)).toEqual({ entry: known[1], distance: 0.5, kind: 'lookalike' });
    expect(matchPlate('湘AOD8B8', known)?.kind).toBe('lookalike');
    expect(matchPlate('湘A0DBBB', known)).toBeUndefined(); // three look-alikes
    expect(matchPlate('湘A0DBBB', known, { lookalikes: 3 })?.entry).toBe(known[1]);
    expect(matchPlate('湘A0DB88', known, { lookalikes: 0 })).toBeUndefined();
  });
  it('never matches one other, inserted or missing character', () => {
    for (const read of ['粤B12346', '粤B92345', '粤B1234', '粤B123456', '粤B2345', '粤BB12345', '湘A0D88', '皖AD1116'])
      expect([read, matchPlate(read, known)]).toEqual([read, undefined]);
  });
  it('never matches across provinces, even by look-alikes', () => {
    expect(matchPlate('鄂B12345', known)).toBeUndefined();
    expect(matchPlate('桂B1234S', known)).toBeUndefined();
  });
  it('refuses a read that is an equally close look-alike of two known plates', () => {
    const two = [{ plate: '粤B80123' }, { plate: '粤BB0123' }];
    expect(matchPlate('粤B80123', two)?.entry).toBe(two[0]);
    expect(matchPlate('粤B8D123', two)?.entry).toBe(two[0]); // one look-alike from the first, two from the second
    expect(matchPlate('粤BBD123', two)?.entry).toBe(two[1]);
    expect(matchPlate('粤B8D123', [{ plate: '粤B80123' }, { plate: '粤BBD123' }])).toBeUndefined();
  });
  it('skips entries the caller says are not usable (expired visitors)', () => {
    const idx = new PlateIndex([
      { plate: '粤B12345', ok: false },
      { plate: '粤B1234S', ok: true },
    ]);
    expect(idx.match('粤B12345', {}, (e) => e.ok)?.entry.plate).toBe('粤B1234S');
  });
});

describe('known plate matching with maxDistance (less safe, opt-in)', () => {
  it('accepts other edits within the weighted distance, and across provinces only when asked', () => {
    expect(matchPlate('粤B19345', known, { maxDistance: 1 })).toMatchObject({ entry: known[0], distance: 1, kind: 'edit' });
    expect(matchPlate('粤B1234', known, { maxDistance: 1 })?.kind).toBe('edit');
    expect(matchPlate('湘AOD8B3', known, { maxDistance: 1 })).toBeUndefined();
    expect(matchPlate('桂B12345', known, { maxDistance: 1 })).toBeUndefined();
    expect(matchPlate('桂B12345', known, { maxDistance: 1, crossProvince: true })?.entry.plate).toBe('粤B12345');
  });
});
