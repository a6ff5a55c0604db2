import { CHECKSUMS } from '../../../lib/device-profiles/checksums.js';
import type { DeviceProfile, FieldType, FramedProtocol, ProfileMessage } from '../../../lib/device-profiles/profile-schema.js';

/**
 * Codec of a framed serial protocol described by a profile: header, layout fields (address,
 * code, length, payload, checksum) and trailer. Pure: bytes in, frames and counted faults out.
 * Both sides use it: the gateway (sends to-device messages, reads from-device ones) and the
 * simulator (the other way round).
 */
export type FrameFault = 'checksum' | 'truncated' | 'oversized' | 'trailer' | 'noise' | 'length';

export interface RawFrame {
  /** Layout field values (address, code...), payload excluded. */
  fields: Record<string, number>;
  payload: Buffer;
}

export interface DecodedMessage {
  message: string;
  address: number | undefined;
  /** Resource name -> raw integer. */
  values: Record<string, number>;
}

const SIZE: Record<FieldType | 'u16le', number> = { u8: 1, u16be: 2, u16le: 2, i16be: 2 };

function writeField(buf: Buffer, at: number, type: FieldType, v: number): void {
  if (type === 'u8') buf.writeUInt8(v & 0xff, at);
  else if (type === 'u16be') buf.writeUInt16BE(v & 0xffff, at);
  else if (type === 'u16le') buf.writeUInt16LE(v & 0xffff, at);
  else buf.writeInt16BE(Math.max(-32768, Math.min(32767, v)), at);
}

function readField(buf: Buffer, at: number, type: FieldType): number {
  if (type === 'u8') return buf.readUInt8(at);
  if (type === 'u16be') return buf.readUInt16BE(at);
  if (type === 'u16le') return buf.readUInt16LE(at);
  return buf.readInt16BE(at);
}

export class FramedCodec {
  readonly proto: FramedProtocol;
  private readonly messages: Record<string, ProfileMessage>;
  private readonly fixedBytes: number;
  private readonly checksum: (typeof CHECKSUMS)[keyof typeof CHECKSUMS];
  /** A 2-byte checksum goes on the wire as its layout field says (u16le, as Modbus, or u16be). */
  private readonly checksumBigEndian: boolean;

  constructor(profile: Pick<DeviceProfile, 'protocol' | 'messages'>) {
    if (profile.protocol.type !== 'framed') throw new Error('FramedCodec needs a framed protocol');
    this.proto = profile.protocol;
    this.messages = profile.messages;
    this.checksum = CHECKSUMS[this.proto.checksum.algorithm];
    this.checksumBigEndian = this.proto.layout.find((f) => f.role === 'checksum')?.type === 'u16be';
    this.fixedBytes =
      this.proto.header.length +
      (this.proto.trailer?.length ?? 0) +
      this.proto.layout.reduce((n, f) => n + (f.type === 'payload' ? 0 : f.role === 'checksum' ? this.checksum.width : SIZE[f.type]), 0);
  }

  /** Smallest possible frame (empty payload). */
  get minFrameBytes(): number {
    return this.fixedBytes;
  }

  /** Builds the payload bytes of a message from raw values (bit fields gathered from their resources). */
  encodePayload(messageName: string, raw: Record<string, number>): Buffer {
    const m = this.messages[messageName];
    if (!m) throw new Error(`unknown message ${messageName}`);
    const buf = Buffer.alloc(m.payload.reduce((n, f) => n + SIZE[f.type], 0));
    let at = 0;
    for (const f of m.payload) {
      let v = raw[f.name] ?? 0;
      if (f.bits) {
        v = 0;
        for (const [rn, bit] of Object.entries(f.bits)) if (raw[rn]) v |= 1 << bit;
      }
      writeField(buf, at, f.type, v);
      at += SIZE[f.type];
    }
    return buf;
  }

  /** A whole frame on the wire. */
  encode(messageName: string, raw: Record<string, number>, address = this.proto.defaultAddress): Buffer {
    const m = this.messages[messageName];
    if (!m) throw new Error(`unknown message ${messageName}`);
    return this.encodeRaw({ fields: { ...m.match }, payload: this.encodePayload(messageName, raw) }, address);
  }

  /** A frame from layout values and payload bytes (the fuzzer uses it to build odd frames). */
  encodeRaw(frame: RawFrame, address = this.proto.defaultAddress): Buffer {
    const p = this.proto;
    const total = this.fixedBytes + frame.payload.length;
    const buf = Buffer.alloc(total);
    Buffer.from(p.header).copy(buf, 0);
    let at = p.header.length;
    let csumAt = -1;
    for (const f of p.layout) {
      if (f.type === 'payload') {
        frame.payload.copy(buf, at);
        at += frame.payload.length;
      } else if (f.role === 'checksum') {
        csumAt = at;
        at += this.checksum.width;
      } else {
        const v =
          f.role === 'length' ? frame.payload.length + p.lengthAdjust : f.role === 'address' ? address : (frame.fields[f.name] ?? 0);
        writeField(buf, at, f.type, v);
        at += SIZE[f.type];
      }
    }
    if (p.trailer) Buffer.from(p.trailer).copy(buf, at);
    const from = p.checksum.from === 'start' ? 0 : p.header.length;
    const sum = this.checksum.compute(buf.subarray(from, csumAt));
    if (this.checksum.width === 1) buf.writeUInt8(sum, csumAt);
    else if (this.checksumBigEndian) buf.writeUInt16BE(sum, csumAt);
    else buf.writeUInt16LE(sum, csumAt);
    return buf;
  }

  /**
   * Tries to parse one frame at the start of `buf` (which starts with the header).
   * Returns the frame and its length, 'more' when incomplete, or a fault.
   */
  parseAt(buf: Buffer): { frame: RawFrame; size: number } | 'more' | FrameFault {
    const p = this.proto;
    let at = p.header.length;
    const fields: Record<string, number> = {};
    let payloadLen = -1;
    let payloadAt = -1;
    let csumAt = -1;
    for (const f of p.layout) {
      if (f.type === 'payload') {
        if (payloadLen < 0) return 'length';
        payloadAt = at;
        at += payloadLen;
        continue;
      }
      const size = f.role === 'checksum' ? this.checksum.width : SIZE[f.type];
      if (f.role === 'checksum') {
        csumAt = at;
        at += size;
        continue;
      }
      if (buf.length < at + size) return 'more';
      const v = readField(buf, at, f.type);
      fields[f.name] = v;
      if (f.role === 'length') {
        payloadLen = v - p.lengthAdjust;
        if (payloadLen < 0) return 'length';
        if (this.fixedBytes + payloadLen > p.maxFrameBytes) return 'oversized';
      }
      at += size;
    }
    const end = at + (p.trailer?.length ?? 0);
    if (buf.length < end) return 'more';
    if (p.trailer && !p.trailer.every((b, i) => buf[at + i] === b)) return 'trailer';
    const from = p.checksum.from === 'start' ? 0 : p.header.length;
    const want = this.checksum.compute(buf.subarray(from, csumAt));
    const got =
      this.checksum.width === 1 ? buf.readUInt8(csumAt) : this.checksumBigEndian ? buf.readUInt16BE(csumAt) : buf.readUInt16LE(csumAt);
    if (want !== got) return 'checksum';
    return { frame: { fields, payload: Buffer.from(buf.subarray(payloadAt, payloadAt + payloadLen)) }, size: end };
  }

  /** Which message of `direction` a frame is, with its payload decoded to raw resource values. */
  identify(frame: RawFrame, direction: 'to-device' | 'from-device'): DecodedMessage | undefined {
    for (const [name, m] of Object.entries(this.messages)) {
      if (m.direction !== direction) continue;
      if (!Object.entries(m.match).every(([k, v]) => frame.fields[k] === v)) continue;
      const size = m.payload.reduce((n, f) => n + SIZE[f.type], 0);
      if (frame.payload.length !== size) return undefined;
      const values: Record<string, number> = {};
      let at = 0;
      for (const f of m.payload) {
        const v = readField(frame.payload, at, f.type);
        at += SIZE[f.type];
        if (f.bits) for (const [rn, bit] of Object.entries(f.bits)) values[rn] = (v >> bit) & 1;
        else values[f.name] = v;
      }
      const addrField = this.proto.layout.find((f) => f.role === 'address');
      return { message: name, address: addrField ? frame.fields[addrField.name] : undefined, values };
    }
    return undefined;
  }
}
