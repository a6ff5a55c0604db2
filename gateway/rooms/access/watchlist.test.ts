import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../store/database.js';
import { Watchlist } from './watchlist.js';

describe('watchlist', () => {
  let db: Database | undefined;
  afterEach(() => db?.close());

  it('refuses listed plates as written or with look-alike glyphs, and nothing else', () => {
    db = new Database(':memory:');
    const w = new Watchlist(db);
    expect(
      w.replace([
        { subject: '粤B·8O123', reason: 'stolen' },
        { subject: 'r-banned', reason: '' },
      ]),
    ).toBe(2);
    for (const p of ['粤B8O123', '粤BB0123', '粤B80123', '粤BBD123']) expect([p, w.deniesPlate(p)]).toEqual([p, true]);
    for (const p of ['粤B80124', '鄂B80123', '粤B8012', 'r-banned']) expect([p, w.deniesPlate(p)]).toEqual([p, false]);
    expect(w.subjects.has('r-banned')).toBe(true);
    w.replace([]);
    expect(w.deniesPlate('粤B80123')).toBe(false);
  });

  it('is read back from SQLite on start', () => {
    db = new Database(':memory:');
    new Watchlist(db).replace([{ subject: '湘A12345', reason: '' }]);
    expect(new Watchlist(db).deniesPlate('湘A1234S')).toBe(true);
  });
});
