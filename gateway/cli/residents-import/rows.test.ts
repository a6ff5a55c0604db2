import { describe, expect, it } from 'vitest';
import { HeaderError, planRows, readHeader, readTime } from './rows.js';

const rec = (line: number, ...fields: string[]) => ({ line, fields });

describe('residents CSV rows', () => {
  it('finds columns by English or Chinese names, whatever their case, spaces and order', () => {
    const h = readHeader([' 姓名 ', 'ID', '照片', 'Valid Until', 'notes']);
    expect(h.index).toEqual({ name: 0, id: 1, photo: 2, validUntil: 3 });
    expect(h.unknown).toEqual(['notes']);
    expect(() => readHeader(['照片'])).toThrow(HeaderError);
  });

  it('reads zoned ISO times as given, local times in the local zone, and a date alone as its whole day', () => {
    expect(readTime('2026-11-24T18:00:00+08:00', false)).toBe('2026-11-24T10:00:00.000Z');
    expect(readTime('2026/11/24 18:00', false)).toBe(new Date(2026, 10, 24, 18, 0).toISOString());
    expect(readTime('2026-11-24', false)).toBe(new Date(2026, 10, 24).toISOString());
    expect(readTime('2026-11-24', true)).toBe(new Date(2026, 10, 25).toISOString());
    for (const bad of ['2026-02-30', '2026-11-24 24:00', 'tomorrow']) expect(readTime(bad, false)).toBeUndefined();
  });

  it('plans versions, photo lists and kinds, and refuses too many photos or a bad version', () => {
    const header = readHeader(['id', 'name', 'kind', 'photo', 'version']);
    const plans = planRows(
      [
        rec(2, 'a', 'A', '访客', 'x.jpg； y.jpg|z.jpg', '7'),
        rec(3, 'b', 'B', '', 'p1;p2;p3;p4;p5;p6', ''),
        rec(4, 'c', 'C', '', '', '1.5'),
      ],
      header,
      { maxPhotos: 5 },
    );
    expect(plans).toEqual([
      { ok: true, row: { line: 2, id: 'a', name: 'A', kind: 'visitor', version: 7, photos: ['x.jpg', 'y.jpg', 'z.jpg'] } },
      { ok: false, line: 3, id: 'b', problem: { code: 'too_many_photos', count: 6, max: 5 } },
      { ok: false, line: 4, id: 'c', problem: { code: 'bad_version', value: '1.5' } },
    ]);
  });

  it('reads building, unit, room, phone, access groups and pass gates; refuses a bad phone or group id', () => {
    const header = readHeader(['编号', '姓名', '楼栋', '单元', '房号', '电话', '门禁组', '通行门']);
    const plans = planRows(
      [
        rec(2, 'a', '张伟', '3栋', '2', '1502', '+86 138-0013-8000', 'b3；owners', ''),
        rec(3, 'b', '李娜', '', '', '', '', '', 'gate-main;door-b3'),
        rec(4, 'c', '王芳', '', '', '', 'call me', '', ''),
        rec(5, 'd', '赵敏', '', '', '', '', 'b 3', ''),
      ],
      header,
      { maxPhotos: 5 },
    );
    expect(plans).toEqual([
      {
        ok: true,
        row: {
          line: 2,
          id: 'a',
          name: '张伟',
          version: 1,
          photos: [],
          building: '3栋',
          unit: '2',
          room: '1502',
          phone: '+86 138-0013-8000',
          groups: ['b3', 'owners'],
        },
      },
      // An empty groups cell in a file that has the column: member of no group.
      { ok: true, row: { line: 3, id: 'b', name: '李娜', version: 1, photos: [], groups: [], gates: ['gate-main', 'door-b3'] } },
      { ok: false, line: 4, id: 'c', problem: { code: 'bad_detail', column: 'phone', value: 'call me' } },
      { ok: false, line: 5, id: 'd', problem: { code: 'bad_detail', column: 'groups', value: 'b 3' } },
    ]);
  });
});
