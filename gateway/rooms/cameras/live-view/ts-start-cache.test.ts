import { describe, expect, it } from 'vitest';
import { TsStartCache } from './ts-start-cache.js';

const packet = (pid: number, unitStart: boolean, payload: number[] = [], fill = 0xff) => {
  const p = Buffer.alloc(188, fill);
  p[0] = 0x47;
  p[1] = (unitStart ? 0x40 : 0) | (pid >> 8);
  p[2] = pid & 0xff;
  p[3] = 0x10;
  Buffer.from(payload).copy(p, 4);
  return p;
};
// PAT: pointer 0, table id 0, ..., program 1 → PMT PID 0x1000 (section bytes 8..11 after the pointer).
const PAT = packet(0, true, [0, 0, 0xb0, 13, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00]);
const PMT = packet(0x1000, true, [0, 2]);
const seqStart = (n: number) => packet(0x100, true, [0, 0, 1, 0xe0, 0, 0, 0x80, 0, 0, 0, 0, 1, 0xb3, n]);
const more = (n: number) => packet(0x100, false, [n]);

describe('TsStartCache', () => {
  it('offers PAT, PMT and everything since the last sequence header, whatever the chunking', () => {
    const stream = Buffer.concat([PAT, PMT, seqStart(1), more(2), more(3), PAT, seqStart(4), more(5)]);
    const tail = stream.subarray(6 * 188);
    for (const step of [1, 100, 188, 500, stream.length]) {
      const c = new TsStartCache();
      expect(c.burst()).toEqual([]);
      for (let i = 0; i < stream.length; i += step) c.push(stream.subarray(i, i + step));
      expect(Buffer.concat(c.burst())).toEqual(Buffer.concat([PAT, PMT, tail]));
    }
  });

  it('offers nothing before the first sequence header, and drops a GOP over its bound', () => {
    const c = new TsStartCache(188 * 4);
    c.push(Buffer.concat([PAT, PMT, more(1)]));
    expect(c.burst()).toEqual([]);
    c.push(seqStart(2));
    expect(c.burst()).toHaveLength(3);
    for (let i = 0; i < 5; i++) c.push(more(i));
    expect(c.burst()).toEqual([]);
  });
});
