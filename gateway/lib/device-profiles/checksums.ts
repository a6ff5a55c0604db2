/**
 * Checksums used by gate controllers and alarm posts. Pure functions over a byte range; the
 * profile names one of CHECKSUMS and the framed codec looks it up here.
 */
export type ChecksumAlgorithm = 'crc16-modbus' | 'crc16-ccitt' | 'xor' | 'sum8' | 'sum8-neg';

export interface ChecksumSpec {
  /** Bytes the checksum occupies on the wire. */
  width: 1 | 2;
  /** Byte order of a 2-byte checksum on the wire. */
  compute(bytes: Uint8Array): number;
}

/** CRC-16/MODBUS: poly 0xA001 (reflected 0x8005), init 0xFFFF; sent low byte first. */
export function crc16Modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected. */
export function crc16Ccitt(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function xor8(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

export function sum8(bytes: Uint8Array): number {
  let s = 0;
  for (const b of bytes) s = (s + b) & 0xff;
  return s;
}

export const CHECKSUMS: Record<ChecksumAlgorithm, ChecksumSpec> = {
  'crc16-modbus': { width: 2, compute: crc16Modbus },
  'crc16-ccitt': { width: 2, compute: crc16Ccitt },
  xor: { width: 1, compute: xor8 },
  sum8: { width: 1, compute: sum8 },
  /** Two's complement of the sum: the sum of all bytes including the checksum is 0. */
  'sum8-neg': { width: 1, compute: (b) => (0x100 - sum8(b)) & 0xff },
};

export const CHECKSUM_NAMES = Object.keys(CHECKSUMS) as ChecksumAlgorithm[];
