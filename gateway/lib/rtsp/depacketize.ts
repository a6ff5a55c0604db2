/**
 * RTP (RFC 3550) carrying H.264 (RFC 6184: single NAL, STAP-A, FU-A) or H.265 (RFC 7798: single
 * NAL, AP, FU) → access units in Annex-B, with the parameter sets put before every keyframe that
 * lacks them (from the SDP or the last ones seen in band), so a decoder can start at any keyframe.
 * Pure: packets in, pictures out. A lost packet drops the picture and everything up to the next
 * keyframe (a decoder fed a broken reference shows smears, not the scene).
 */
import type { StreamCodec } from './sdp.js';

export interface AccessUnit {
  codec: StreamCodec;
  /** 90 kHz (the RTP clock for video), extended past the 32-bit wrap, modulo 2^33. */
  pts: number;
  dts: number;
  keyframe: boolean;
  /** Annex-B byte stream of one picture. */
  data: Buffer;
}

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  seq: number;
  timestamp: number;
  payload: Buffer;
}

/** The fixed header, CSRCs, extension and padding removed; undefined if it is not RTP version 2. */
export function parseRtp(b: Buffer): RtpPacket | undefined {
  if (b.length < 12 || b[0]! >> 6 !== 2) return undefined;
  const cc = b[0]! & 0x0f;
  let off = 12 + cc * 4;
  if (b[0]! & 0x10) {
    if (b.length < off + 4) return undefined;
    off += 4 + b.readUInt16BE(off + 2) * 4;
  }
  let end = b.length;
  if (b[0]! & 0x20) end -= b[b.length - 1]!;
  if (off > end) return undefined;
  return {
    marker: (b[1]! & 0x80) !== 0,
    payloadType: b[1]! & 0x7f,
    seq: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    payload: b.subarray(off, end),
  };
}

const START = Buffer.from([0, 0, 0, 1]);
const MAX_AU = 8 * 1024 * 1024;

export class Depacketizer {
  private nals: Buffer[] = [];
  private bytes = 0;
  private ts: number | undefined;
  private lastSeq: number | undefined;
  private fu: Buffer[] | undefined;
  private broken = false;
  private needKey = true;
  private ext = 0;
  private lastRtpTs: number | undefined;
  /** Parameter sets by NAL type (SPS, PPS; VPS for H.265). */
  private readonly params = new Map<number, Buffer>();
  /** Pictures dropped after a lost packet or while waiting for a keyframe. */
  dropped = 0;

  constructor(
    readonly codec: StreamCodec,
    parameterSets: Buffer[] = [],
  ) {
    for (const p of parameterSets) this.noteParam(p);
  }

  /** Feeds one packet; returns the access unit it completed, if any. */
  push(p: RtpPacket): AccessUnit | undefined {
    let out: AccessUnit | undefined;
    if (this.lastSeq !== undefined && p.seq !== ((this.lastSeq + 1) & 0xffff)) {
      this.broken = true;
      this.needKey = true;
      this.fu = undefined;
    }
    this.lastSeq = p.seq;
    if (this.ts !== undefined && p.timestamp !== this.ts) out = this.flush();
    this.ts = p.timestamp;
    this.payload(p.payload);
    if (p.marker) out = this.flush() ?? out;
    return out;
  }

  private payload(pl: Buffer): void {
    if (pl.length < (this.codec === 'h264' ? 1 : 2)) return;
    if (this.codec === 'h264') {
      const type = pl[0]! & 0x1f;
      if (type >= 1 && type <= 23) this.add(pl);
      else if (type === 24) this.aggregate(pl.subarray(1));
      else if (type === 28) this.fragment(pl, 2, Buffer.from([(pl[0]! & 0xe0) | (pl[1]! & 0x1f)]), pl[1]!);
      // STAP-B, MTAP, FU-B (interleaved mode) are not used by cameras over RTSP: skipped.
      return;
    }
    const type = (pl[0]! >> 1) & 0x3f;
    if (type < 48) this.add(pl);
    else if (type === 48) this.aggregate(pl.subarray(2));
    else if (type === 49 && pl.length >= 3) {
      const fuType = pl[2]! & 0x3f;
      this.fragment(pl, 3, Buffer.from([(pl[0]! & 0x81) | (fuType << 1), pl[1]!]), pl[2]!);
    }
  }

  private aggregate(b: Buffer): void {
    let i = 0;
    while (i + 2 <= b.length) {
      const n = b.readUInt16BE(i);
      i += 2;
      if (n === 0 || i + n > b.length) return;
      this.add(b.subarray(i, i + n));
      i += n;
    }
  }

  private fragment(pl: Buffer, headerLen: number, nalHeader: Buffer, fuHeader: number): void {
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start) this.fu = [nalHeader];
    if (!this.fu) return; // the start was lost
    this.fu.push(pl.subarray(headerLen));
    if (end) {
      this.add(Buffer.concat(this.fu));
      this.fu = undefined;
    }
  }

  private add(nal: Buffer): void {
    if (this.bytes + nal.length > MAX_AU) {
      this.broken = true;
      return;
    }
    this.noteParam(nal);
    this.nals.push(nal);
    this.bytes += nal.length;
  }

  private nalType(nal: Buffer): number {
    return this.codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
  }

  private paramTypes(): number[] {
    return this.codec === 'h264' ? [7, 8] : [32, 33, 34];
  }

  private noteParam(nal: Buffer): void {
    if (nal.length === 0) return;
    const t = this.nalType(nal);
    if (this.paramTypes().includes(t)) this.params.set(t, Buffer.from(nal));
  }

  private isKey(t: number): boolean {
    return this.codec === 'h264' ? t === 5 : t >= 16 && t <= 21;
  }

  private flush(): AccessUnit | undefined {
    const nals = this.nals;
    const broken = this.broken;
    const ts = this.ts;
    this.nals = [];
    this.bytes = 0;
    this.broken = false;
    this.fu = undefined;
    if (nals.length === 0 || ts === undefined) return undefined;
    const types = nals.map((n) => this.nalType(n));
    const keyframe = types.some((t) => this.isKey(t));
    if (broken || (this.needKey && !keyframe)) {
      this.dropped++;
      if (broken) this.needKey = true;
      return undefined;
    }
    this.needKey = false;
    const parts: Buffer[] = [];
    // An access unit delimiter stays first; the parameter sets a keyframe lacks go right after it.
    const aud = types[0] === (this.codec === 'h264' ? 9 : 35) ? 1 : 0;
    for (const n of nals.slice(0, aud)) parts.push(START, n);
    if (keyframe) {
      for (const t of this.paramTypes()) {
        const p = this.params.get(t);
        if (p && !types.includes(t)) parts.push(START, p);
      }
    }
    for (const n of nals.slice(aud)) parts.push(START, n);
    const pts = this.extend(ts);
    return { codec: this.codec, pts, dts: pts, keyframe, data: Buffer.concat(parts) };
  }

  private extend(ts: number): number {
    if (this.lastRtpTs !== undefined) {
      let d = (ts - this.lastRtpTs) >>> 0;
      if (d > 0x7fffffff) d -= 0x100000000; // a little backwards (B-frames, reordering)
      this.ext = (((this.ext + d) % 2 ** 33) + 2 ** 33) % 2 ** 33;
    } else this.ext = ts;
    this.lastRtpTs = ts;
    return this.ext;
  }
}
