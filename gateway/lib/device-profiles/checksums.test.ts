import { describe, expect, it } from 'vitest';
import { crc16Ccitt, crc16Modbus, sum8, xor8, CHECKSUMS } from './checksums.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));

describe('checksums', () => {
  it('match the catalogue check values for "123456789"', () => {
    expect(crc16Modbus(ascii('123456789'))).toBe(0x4b37);
    expect(crc16Ccitt(ascii('123456789'))).toBe(0x29b1);
  });
  it('CRC-16/Modbus of a real read-coils request (01 01 00 00 00 08) is 3D CC on the wire', () => {
    const crc = crc16Modbus(Uint8Array.from([0x01, 0x01, 0x00, 0x00, 0x00, 0x08]));
    expect([crc & 0xff, crc >> 8]).toEqual([0x3d, 0xcc]);
  });
  it('xor, sum8 and sum8-neg on literal bytes', () => {
    expect(xor8(Uint8Array.from([0x01, 0x02, 0x04, 0xff]))).toBe(0xf8);
    expect(sum8(Uint8Array.from([0xff, 0x02]))).toBe(0x01);
    const bytes = Uint8Array.from([0x10, 0x20, 0x30]);
    expect((sum8(bytes) + CHECKSUMS['sum8-neg'].compute(bytes)) & 0xff).toBe(0);
  });
});
