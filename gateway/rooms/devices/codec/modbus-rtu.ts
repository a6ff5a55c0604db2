import { crc16Modbus } from '../../../lib/device-profiles/checksums.js';

/**
 * Modbus RTU frames (function codes 1-6, 15, 16 and exceptions), both sides: the gateway is the
 * master, the relay-board simulator the slave. Pure: bytes in, PDUs out. On a pty there is no
 * 3.5-character silence to delimit frames, so frame lengths come from the function code and the
 * CRC confirms them; a bad CRC drops one byte and resynchronises.
 */
export type ModbusTable = 'coil' | 'discrete-input' | 'holding-register' | 'input-register';
export const READ_FN: Record<ModbusTable, number> = { coil: 1, 'discrete-input': 2, 'holding-register': 3, 'input-register': 4 };

export function withCrc(bytes: number[] | Buffer): Buffer {
  const body = Buffer.from(bytes);
  const crc = crc16Modbus(body);
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  out.writeUInt16LE(crc, body.length);
  return out;
}

function crcOk(frame: Buffer): boolean {
  return frame.length >= 4 && crc16Modbus(frame.subarray(0, frame.length - 2)) === frame.readUInt16LE(frame.length - 2);
}

export interface ModbusRequest {
  unit: number;
  fn: number;
  address: number;
  /** Read count, or the written value (fn 5: 0/1, fn 6: register value). */
  count: number;
  /** fn 15/16: values written. */
  values?: number[];
}

export function encodeRequest(r: ModbusRequest): Buffer {
  const head = [r.unit, r.fn, r.address >> 8, r.address & 0xff];
  if (r.fn >= 1 && r.fn <= 4) return withCrc([...head, r.count >> 8, r.count & 0xff]);
  if (r.fn === 5) return withCrc([...head, r.count ? 0xff : 0x00, 0x00]);
  if (r.fn === 6) return withCrc([...head, (r.count >> 8) & 0xff, r.count & 0xff]);
  throw new Error(`function ${r.fn} is not encoded by this master`);
}

export type ParseResult<T> = { kind: 'more' } | { kind: 'bad'; reason: 'crc' | 'function' | 'length' } | ({ kind: 'ok'; size: number } & T);

export interface ModbusResponse {
  unit: number;
  fn: number;
  exception?: number;
  /** fn 1/2: bits; fn 3/4: registers; fn 5/6: [address, value]. */
  data: number[];
}

/** Master side: parses one response at the start of `buf`. */
export function parseResponse(buf: Buffer): ParseResult<{ response: ModbusResponse }> {
  if (buf.length < 2) return { kind: 'more' };
  const unit = buf[0] as number;
  const fn = buf[1] as number;
  let size: number;
  if (fn & 0x80) size = 5;
  else if (fn >= 1 && fn <= 4) {
    if (buf.length < 3) return { kind: 'more' };
    const n = buf[2] as number;
    if (n === 0 || n > 250) return { kind: 'bad', reason: 'length' };
    size = 5 + n;
  } else if (fn === 5 || fn === 6 || fn === 15 || fn === 16) size = 8;
  else return { kind: 'bad', reason: 'function' };
  if (buf.length < size) return { kind: 'more' };
  const frame = buf.subarray(0, size);
  if (!crcOk(frame)) return { kind: 'bad', reason: 'crc' };
  const response: ModbusResponse = { unit, fn: fn & 0x7f, data: [] };
  if (fn & 0x80) response.exception = frame[2] as number;
  else if (fn === 1 || fn === 2) {
    for (let i = 0; i < (frame[2] as number) * 8; i++) response.data.push(((frame[3 + (i >> 3)] as number) >> (i & 7)) & 1);
  } else if (fn === 3 || fn === 4) {
    for (let i = 0; i < (frame[2] as number) / 2; i++) response.data.push(frame.readUInt16BE(3 + i * 2));
  } else response.data.push(frame.readUInt16BE(2), frame.readUInt16BE(4));
  return { kind: 'ok', size, response };
}

/** Slave side: parses one request at the start of `buf`. */
export function parseRequest(buf: Buffer): ParseResult<{ request: ModbusRequest }> {
  if (buf.length < 2) return { kind: 'more' };
  const fn = buf[1] as number;
  let size: number;
  if (fn >= 1 && fn <= 6) size = 8;
  else if (fn === 15 || fn === 16) {
    if (buf.length < 7) return { kind: 'more' };
    size = 9 + (buf[6] as number);
    if ((buf[6] as number) > 246) return { kind: 'bad', reason: 'length' };
  } else return { kind: 'bad', reason: 'function' };
  if (buf.length < size) return { kind: 'more' };
  const frame = buf.subarray(0, size);
  if (!crcOk(frame)) return { kind: 'bad', reason: 'crc' };
  const request: ModbusRequest = { unit: frame[0] as number, fn, address: frame.readUInt16BE(2), count: frame.readUInt16BE(4) };
  if (fn === 5) request.count = frame.readUInt16BE(4) === 0xff00 ? 1 : 0;
  if (fn === 15) request.values = Array.from({ length: request.count }, (_, i) => ((frame[7 + (i >> 3)] as number) >> (i & 7)) & 1);
  if (fn === 16) request.values = Array.from({ length: request.count }, (_, i) => frame.readUInt16BE(7 + i * 2));
  return { kind: 'ok', size, request };
}

/** Slave side: the response bytes for a request, given read/write access to its tables. */
export function encodeResponse(req: ModbusRequest, result: { exception?: number; bits?: number[]; registers?: number[] }): Buffer {
  if (result.exception) return withCrc([req.unit, req.fn | 0x80, result.exception]);
  if (req.fn === 1 || req.fn === 2) {
    const bits = result.bits ?? [];
    const bytes = Array.from({ length: Math.ceil(bits.length / 8) }, () => 0);
    bits.forEach((b, i) => {
      if (b) bytes[i >> 3] = (bytes[i >> 3] as number) | (1 << (i & 7));
    });
    return withCrc([req.unit, req.fn, bytes.length, ...bytes]);
  }
  if (req.fn === 3 || req.fn === 4) {
    const regs = result.registers ?? [];
    return withCrc([req.unit, req.fn, regs.length * 2, ...regs.flatMap((r) => [(r >> 8) & 0xff, r & 0xff])]);
  }
  if (req.fn === 5) return withCrc([req.unit, 5, req.address >> 8, req.address & 0xff, req.count ? 0xff : 0, 0]);
  // 6, 15, 16: echo address and value/count.
  const v = req.fn === 6 ? req.count : (req.values?.length ?? 0);
  return withCrc([req.unit, req.fn, req.address >> 8, req.address & 0xff, (v >> 8) & 0xff, v & 0xff]);
}

/** Contiguous read ranges covering the given addresses of one table (gaps up to `maxGap` are read through). */
export function readRanges(addresses: number[], maxGap = 8, maxCount = 120): { address: number; count: number }[] {
  const sorted = [...new Set(addresses)].sort((a, b) => a - b);
  const out: { address: number; count: number }[] = [];
  for (const a of sorted) {
    const last = out[out.length - 1];
    if (last && a - (last.address + last.count) <= maxGap && a - last.address < maxCount) last.count = a - last.address + 1;
    else out.push({ address: a, count: 1 });
  }
  return out;
}
