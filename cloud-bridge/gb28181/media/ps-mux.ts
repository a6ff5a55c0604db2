/**
 * MPEG-2 program stream (ITU-T H.222.0 §2.5.3) packing of video access units, as GB/T 28181
 * carries them over RTP: every picture is a pack (pack header, then PES packets of at most 64 KB);
 * a keyframe's pack also carries the system header and the program stream map, whose
 * stream_type (0x1b H.264, 0x24 H.265) is what tells a receiver the codec. Pure.
 */
import type { AccessUnit, VideoCodec } from './ts-demux.js';

const VIDEO_STREAM_ID = 0xe0;
/** program_mux_rate / rate_bound in units of 50 bytes/s (about 2.4 Mbit/s; informative only). */
const MUX_RATE = 6106;
const MAX_PES_PAYLOAD = 0xffff - 3 - 10;

const STREAM_TYPE: Record<VideoCodec, number> = { h264: 0x1b, hevc: 0x24 };
/** Access unit delimiters, which H.222.0 §2.14/§2.17 require at the start of each picture. */
const AUD: Record<VideoCodec, Buffer> = {
  h264: Buffer.from([0, 0, 0, 1, 0x09, 0xf0]),
  hevc: Buffer.from([0, 0, 0, 1, 0x46, 0x01, 0x50]),
};

/** One pack per access unit. `pts`/`dts` are 90 kHz, 33 bits. */
export function psPack(au: AccessUnit, opts: { withHeaders: boolean }): Buffer {
  const parts: Buffer[] = [packHeader(au.dts >= 3600 ? au.dts - 3600 : 0)];
  if (opts.withHeaders) parts.push(systemHeader(), programStreamMap(au.codec));
  const es = startsWithAud(au.data, au.codec) ? au.data : Buffer.concat([AUD[au.codec], au.data]);
  let first = true;
  for (let off = 0; off < es.length || first;) {
    const n = Math.min(MAX_PES_PAYLOAD, es.length - off);
    parts.push(pesPacket(es.subarray(off, off + n), first ? au : undefined, first && au.keyframe));
    off += n;
    first = false;
  }
  return Buffer.concat(parts);
}

function startsWithAud(data: Buffer, codec: VideoCodec): boolean {
  const o = data[2] === 1 ? 3 : data[3] === 1 ? 4 : -1;
  if (o < 0) return false;
  const h = data[o] as number;
  return codec === 'h264' ? (h & 0x1f) === 9 : ((h >> 1) & 0x3f) === 35;
}

/** 14-byte pack header with SCR = `scr` (90 kHz base, extension 0). */
export function packHeader(scr: number): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt32BE(0x000001ba, 0);
  const hi = Math.floor(scr / 2 ** 30) & 0x07; // bits 32..30
  const lo = scr % 2 ** 30; // bits 29..0
  b[4] = 0x40 | (hi << 3) | 0x04 | ((lo >>> 28) & 0x03);
  b[5] = (lo >>> 20) & 0xff;
  b[6] = (((lo >>> 15) & 0x1f) << 3) | 0x04 | ((lo >>> 13) & 0x03);
  b[7] = (lo >>> 5) & 0xff;
  b[8] = ((lo & 0x1f) << 3) | 0x04; // extension bits 8..7 = 0
  b[9] = 0x01; // extension 6..0 = 0, marker
  b[10] = (MUX_RATE >>> 14) & 0xff;
  b[11] = (MUX_RATE >>> 6) & 0xff;
  b[12] = ((MUX_RATE & 0x3f) << 2) | 0x03;
  b[13] = 0xf8; // reserved, no stuffing
  return b;
}

export function systemHeader(): Buffer {
  const b = Buffer.alloc(6 + 6 + 3);
  b.writeUInt32BE(0x000001bb, 0);
  b.writeUInt16BE(b.length - 6, 4);
  b[6] = 0x80 | ((MUX_RATE >>> 15) & 0x7f);
  b[7] = (MUX_RATE >>> 7) & 0xff;
  b[8] = ((MUX_RATE & 0x7f) << 1) | 0x01;
  b[9] = 0x00; // audio_bound 0, variable rate, not CSPS
  b[10] = 0x21; // no clock locks, marker, video_bound 1
  b[11] = 0x7f; // no packet rate restriction, reserved
  const bound = 400; // P-STD buffer 400 KB (scale 1: units of 1024 bytes)
  b[12] = VIDEO_STREAM_ID;
  b[13] = 0xc0 | 0x20 | ((bound >>> 8) & 0x1f);
  b[14] = bound & 0xff;
  return b;
}

export function programStreamMap(codec: VideoCodec): Buffer {
  const entries = Buffer.from([STREAM_TYPE[codec], VIDEO_STREAM_ID, 0x00, 0x00]);
  const body = Buffer.alloc(6 + entries.length);
  body[0] = 0x80 | 0x01; // current_next_indicator, reserved 0, version 1
  body[1] = 0x01; // reserved, marker
  body.writeUInt16BE(0, 2); // program_stream_info_length
  body.writeUInt16BE(entries.length, 4);
  entries.copy(body, 6);
  const head = Buffer.alloc(6);
  head.writeUInt32BE(0x000001bc, 0);
  head.writeUInt16BE(body.length + 4, 4);
  const withoutCrc = Buffer.concat([head, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32Mpeg(withoutCrc), 0);
  return Buffer.concat([withoutCrc, crc]);
}

function pesPacket(payload: Buffer, ts: { pts: number; dts: number } | undefined, aligned: boolean): Buffer {
  const withDts = ts !== undefined && ts.dts !== ts.pts;
  const hdrData = ts === undefined ? 0 : withDts ? 10 : 5;
  const b = Buffer.alloc(9 + hdrData);
  b.writeUInt32BE(0x000001e0, 0);
  b.writeUInt16BE(3 + hdrData + payload.length, 4);
  b[6] = 0x80 | (aligned ? 0x04 : 0);
  b[7] = ts === undefined ? 0 : withDts ? 0xc0 : 0x80;
  b[8] = hdrData;
  if (ts) {
    writeTs(b, 9, withDts ? 0x3 : 0x2, ts.pts);
    if (withDts) writeTs(b, 14, 0x1, ts.dts);
  }
  return Buffer.concat([b, payload]);
}

function writeTs(b: Buffer, o: number, prefix: number, t: number): void {
  const hi = Math.floor(t / 2 ** 30) & 0x07;
  const lo = t % 2 ** 30;
  b[o] = (prefix << 4) | (hi << 1) | 0x01;
  b[o + 1] = (lo >>> 22) & 0xff;
  b[o + 2] = (((lo >>> 15) & 0x7f) << 1) | 0x01;
  b[o + 3] = (lo >>> 7) & 0xff;
  b[o + 4] = ((lo & 0x7f) << 1) | 0x01;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32/MPEG-2 (poly 0x04C11DB7, init all ones, no reflection, no final xor). */
export function crc32Mpeg(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] as number)) >>> 0;
  return crc >>> 0;
}
