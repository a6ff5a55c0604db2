import { describe, expect, it } from 'vitest';
import { encodeRequest, encodeResponse, parseRequest, parseResponse, readRanges } from './modbus-rtu.js';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('modbus-rtu', () => {
  it('encodes a read-coils request as the specification example', () => {
    expect(encodeRequest({ unit: 1, fn: 1, address: 0, count: 8 })).toEqual(hex('01 01 0000 0008 3DCC'));
  });
  it('encodes write single coil ON as FF00', () => {
    expect(encodeRequest({ unit: 1, fn: 5, address: 0, count: 1 })).toEqual(hex('01 05 0000 FF00 8C3A'));
  });
  it('parses a read-discrete-inputs response into bits, LSB first', () => {
    const r = parseResponse(encodeResponse({ unit: 1, fn: 2, address: 0, count: 4 }, { bits: [1, 0, 1, 1] }));
    expect(r).toMatchObject({ kind: 'ok', size: 6, response: { unit: 1, fn: 2, data: [1, 0, 1, 1, 0, 0, 0, 0] } });
  });
  it('parses an exception response', () => {
    expect(parseResponse(hex('01 81 02 C191'))).toMatchObject({ kind: 'ok', response: { fn: 1, exception: 2 } });
  });
  it('reports crc faults and incomplete frames', () => {
    expect(parseResponse(hex('01 05 0000 FF00 8C3B'))).toEqual({ kind: 'bad', reason: 'crc' });
    expect(parseResponse(hex('01 05 0000'))).toEqual({ kind: 'more' });
    expect(parseResponse(hex('01 2B 0000'))).toEqual({ kind: 'bad', reason: 'function' });
  });
  it('slave side: request round trip, write echo', () => {
    const req = encodeRequest({ unit: 7, fn: 6, address: 16, count: 1234 });
    const p = parseRequest(req);
    expect(p).toMatchObject({ kind: 'ok', size: 8, request: { unit: 7, fn: 6, address: 16, count: 1234 } });
    if (p.kind === 'ok') expect(encodeResponse(p.request, {})).toEqual(req);
  });
  it('groups addresses into read ranges', () => {
    expect(readRanges([3, 0, 1, 2, 40])).toEqual([
      { address: 0, count: 4 },
      { address: 40, count: 1 },
    ]);
  });
});
