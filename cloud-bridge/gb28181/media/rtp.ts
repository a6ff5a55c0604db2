/**
 * RTP packetisation of a program stream (RFC 3550, payload type 96 "PS/90000" as GB/T 28181
 * announces it): each pack is cut into payloads of at most `maxPayload` bytes, all with the
 * pack's timestamp, the marker bit on the last. Over TCP each packet is prefixed with its
 * 16-bit length (RFC 4571). Pure.
 */

export const RTP_HEADER = 12;
export const DEFAULT_MAX_PAYLOAD = 1400;

export class RtpPacketiser {
  private seq: number;

  constructor(
    readonly ssrc: number,
    readonly payloadType = 96,
    readonly maxPayload = DEFAULT_MAX_PAYLOAD,
    firstSeq = Math.floor(Math.random() * 0x10000),
  ) {
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff) throw new RangeError(`SSRC ${ssrc} is not a 32-bit unsigned integer`);
    this.seq = firstSeq & 0xffff;
  }

  /** RTP packets carrying `payload` (one PS pack), timestamp `ts90k` (wraps at 2^32). */
  packetise(payload: Buffer, ts90k: number): Buffer[] {
    const out: Buffer[] = [];
    const ts = ts90k % 2 ** 32;
    for (let off = 0; off < payload.length; off += this.maxPayload) {
      const chunk = payload.subarray(off, off + this.maxPayload);
      const last = off + this.maxPayload >= payload.length;
      const p = Buffer.alloc(RTP_HEADER + chunk.length);
      p[0] = 0x80;
      p[1] = (last ? 0x80 : 0) | (this.payloadType & 0x7f);
      p.writeUInt16BE(this.seq, 2);
      p.writeUInt32BE(ts, 4);
      p.writeUInt32BE(this.ssrc, 8);
      chunk.copy(p, RTP_HEADER);
      this.seq = (this.seq + 1) & 0xffff;
      out.push(p);
    }
    return out;
  }
}

/** RFC 4571 framing: 2-byte big-endian length, then the packet. */
export function frame4571(packet: Buffer): Buffer {
  if (packet.length > 0xffff) throw new RangeError(`RTP packet of ${packet.length} bytes cannot be framed (RFC 4571 max 65535)`);
  const b = Buffer.alloc(2 + packet.length);
  b.writeUInt16BE(packet.length, 0);
  packet.copy(b, 2);
  return b;
}

export interface RtpHeader {
  version: number;
  marker: boolean;
  payloadType: number;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses one RTP packet (CSRCs, header extension and padding handled). Throws on garbage. */
export function parseRtp(p: Buffer): RtpHeader {
  if (p.length < RTP_HEADER) throw new Error(`RTP packet of ${p.length} bytes`);
  const version = (p[0] as number) >> 6;
  if (version !== 2) throw new Error(`RTP version ${version}`);
  const cc = (p[0] as number) & 0x0f;
  let off = RTP_HEADER + cc * 4;
  if ((p[0] as number) & 0x10) {
    if (p.length < off + 4) throw new Error('truncated RTP header extension');
    off += 4 + p.readUInt16BE(off + 2) * 4;
  }
  let end = p.length;
  if ((p[0] as number) & 0x20) end -= p[p.length - 1] as number;
  if (off > end) throw new Error('truncated RTP packet');
  return {
    version,
    marker: ((p[1] as number) & 0x80) !== 0,
    payloadType: (p[1] as number) & 0x7f,
    seq: p.readUInt16BE(2),
    timestamp: p.readUInt32BE(4),
    ssrc: p.readUInt32BE(8),
    payload: p.subarray(off, end),
  };
}

/** Cuts an RFC 4571 byte stream into packets. Pure: push bytes, take packets. */
export class Rfc4571Reader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= 2) {
      const n = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + n) break;
      out.push(Buffer.from(this.buf.subarray(2, 2 + n)));
      this.buf = this.buf.subarray(2 + n);
    }
    return out;
  }
}
