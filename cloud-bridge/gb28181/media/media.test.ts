import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TsDemuxer, readTs, type AccessUnit } from './ts-demux.js';
import { crc32Mpeg, packHeader, programStreamMap, psPack } from './ps-mux.js';
import { frame4571, parseRtp, Rfc4571Reader, RtpPacketiser } from './rtp.js';
import { gstPsProbe } from '../testing/gst-ps.js';

/** H.264 in MPEG-TS as ffmpeg writes it when it copies a camera (here from a generated clip). */
function tsClip(dir: string, codec: 'libx264' | 'libx265' = 'libx264'): { ts: Buffer; frames: number } {
  const out = join(dir, `clip-${codec}.ts`);
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=10',
    '-t',
    '3',
    '-c:v',
    codec,
    '-preset',
    'ultrafast',
    '-g',
    '10',
    '-pix_fmt',
    'yuv420p',
    ...(codec === 'libx265' ? ['-x265-params', 'log-level=error'] : []),
    '-f',
    'mpegts',
    out,
  ]);
  return { ts: readFileSync(out), frames: 30 };
}

function probe(file: string): { codec_name?: string; width?: number; height?: number; nb_read_frames?: string } {
  const r = spawnSync(
    'ffprobe',
    ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file],
    {
      encoding: 'utf8',
    },
  );
  return (JSON.parse(r.stdout) as { streams: object[] }).streams[0] as ReturnType<typeof probe>;
}

describe('MPEG-TS demuxer → PS packer → RTP, checked by ffprobe and GStreamer mpegpsdemux', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-media-'));
  const { ts, frames } = tsClip(dir);

  it('cuts the transport stream into timed access units whatever the chunk size', () => {
    for (const chunk of [1, 187, 188, 1000, 65536]) {
      const d = new TsDemuxer();
      const aus: AccessUnit[] = [];
      for (let i = 0; i < ts.length; i += chunk) aus.push(...d.push(ts.subarray(i, i + chunk)));
      aus.push(...d.flush());
      expect(aus).toHaveLength(frames);
      expect(aus.filter((a) => a.keyframe)).toHaveLength(3);
      expect(aus.every((a) => a.codec === 'h264')).toBe(true);
      expect(aus[1]!.dts - aus[0]!.dts).toBe(9000); // 10 fps at 90 kHz
    }
  });

  it('finds packet sync again after garbage', () => {
    const d = new TsDemuxer();
    const aus = [...d.push(Buffer.concat([Buffer.from('garbage bytes from a broken pipe'), ts])), ...d.flush()];
    expect(aus).toHaveLength(frames);
    expect(d.resyncs).toBeGreaterThan(0);
  });

  it('packs a program stream that ffprobe decodes as H.264, every picture, with the PSM naming the codec', () => {
    const d = new TsDemuxer();
    const aus = [...d.push(ts), ...d.flush()];
    const ps = Buffer.concat(aus.map((au, i) => psPack(au, { withHeaders: au.keyframe || i === 0 })));
    const file = join(dir, 'out.ps');
    writeFileSync(file, ps);
    expect(probe(file)).toMatchObject({ codec_name: 'h264', width: 320, height: 180, nb_read_frames: String(frames) });
    // A second, independent demuxer (a missing gst-launch-1.0 fails here, it is not skipped).
    expect(gstPsProbe(file)).toEqual({ codec: 'h264', width: 320, height: 180, packets: frames, error: '' });
    // After RTP packetisation and reassembly, the same bytes.
    const rtp = new RtpPacketiser(0x12345678, 96, 1400, 0xfff0);
    const packets = aus.flatMap((au, i) => rtp.packetise(psPack(au, { withHeaders: au.keyframe || i === 0 }), au.pts));
    expect(Buffer.concat(packets.map((p) => parseRtp(p).payload)).equals(ps)).toBe(true);
  });

  it('carries H.265 with stream type 0x24', () => {
    const clip = tsClip(dir, 'libx265');
    const aus = [...new TsDemuxer().push(clip.ts)];
    expect(aus[0]?.codec).toBe('hevc');
    const file = join(dir, 'hevc.ps');
    writeFileSync(file, Buffer.concat(aus.map((au, i) => psPack(au, { withHeaders: au.keyframe || i === 0 }))));
    expect(probe(file)).toMatchObject({ codec_name: 'hevc', width: 320, height: 180 });
    expect(gstPsProbe(file)).toMatchObject({ codec: 'h265', width: 320, height: 180, packets: aus.length, error: '' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('PS packing details', () => {
  const au = (size: number, keyframe = true): AccessUnit => ({
    codec: 'h264',
    pts: 2 ** 33 - 9000,
    dts: 2 ** 33 - 12000,
    keyframe,
    data: Buffer.concat([Buffer.from([0, 0, 0, 1, 0x65]), Buffer.alloc(size, 0xab)]),
  });

  it('writes 33-bit SCR and PTS/DTS that read back, and the CRC-32/MPEG-2 check value', () => {
    const scr = 2 ** 33 - 1;
    const h = packHeader(scr);
    const base =
      ((h[4]! >> 3) & 7) * 2 ** 30 +
      ((h[4]! & 3) << 28) +
      (h[5]! << 20) +
      (((h[6]! >> 3) & 0x1f) << 15) +
      ((h[6]! & 3) << 13) +
      (h[7]! << 5) +
      (h[8]! >> 3);
    expect(base).toBe(scr);
    const pack = psPack(au(100), { withHeaders: false });
    const pes = pack.subarray(14);
    expect(pes.readUInt32BE(0)).toBe(0x1e0);
    expect(readTs(pes, 9)).toBe(2 ** 33 - 9000);
    expect(readTs(pes, 14)).toBe(2 ** 33 - 12000);
    expect(crc32Mpeg(Buffer.from('123456789'))).toBe(0x0376e6e7);
    const psm = programStreamMap('h264');
    expect(crc32Mpeg(psm.subarray(0, psm.length - 4))).toBe(psm.readUInt32BE(psm.length - 4));
    expect(psm[12]).toBe(0x1b);
  });

  it('splits a picture over 64 KB into PES packets, inserts the AUD, headers only when asked', () => {
    const big = psPack(au(200_000), { withHeaders: true });
    expect(big.subarray(14, 18).readUInt32BE(0)).toBe(0x1bb); // system header
    let off = 14 + 15; // pack header + system header
    expect(big.readUInt32BE(off)).toBe(0x1bc);
    off += 6 + big.readUInt16BE(off + 4);
    let payload = 0;
    let n = 0;
    while (off < big.length) {
      expect(big.readUInt32BE(off)).toBe(0x1e0);
      const len = big.readUInt16BE(off + 4);
      payload += len - 3 - big[off + 8]!;
      off += 6 + len;
      n++;
    }
    expect(off).toBe(big.length);
    expect(n).toBe(4);
    expect(payload).toBe(6 + 5 + 200_000); // AUD + NAL header + data
    expect(psPack(au(10, false), { withHeaders: false }).subarray(14, 18).readUInt32BE(0)).toBe(0x1e0);
  });
});

describe('RTP', () => {
  it('cuts at the payload size, marks the last packet, wraps sequence and timestamp', () => {
    const r = new RtpPacketiser(100000001, 96, 1000, 0xfffe);
    const ps = r.packetise(Buffer.alloc(2500, 1), 2 ** 32 + 5);
    expect(ps.map((p) => parseRtp(p))).toMatchObject([
      { seq: 0xfffe, marker: false, timestamp: 5, ssrc: 100000001, payloadType: 96 },
      { seq: 0xffff, marker: false },
      { seq: 0, marker: true },
    ]);
    expect(ps.map((p) => parseRtp(p).payload.length)).toEqual([1000, 1000, 500]);
    expect(() => new RtpPacketiser(2 ** 32)).toThrow(RangeError);
  });

  it('frames for TCP (RFC 4571) and reads frames split anywhere', () => {
    const packets = new RtpPacketiser(1).packetise(Buffer.alloc(5000, 7), 0);
    const stream = Buffer.concat(packets.map(frame4571));
    const r = new Rfc4571Reader();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 333) out.push(...r.push(stream.subarray(i, i + 333)));
    expect(out.map((p) => p.toString('hex'))).toEqual(packets.map((p) => p.toString('hex')));
  });

  it('parses padding, CSRCs and header extensions, refuses garbage', () => {
    const p = Buffer.from([0xb1, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 9, 9, 9, 9, 0xbe, 0xde, 0, 1, 1, 2, 3, 4, 0xaa, 0xbb, 0, 2]);
    expect(parseRtp(p)).toMatchObject({ payloadType: 96, seq: 1, timestamp: 2, ssrc: 3 });
    expect(parseRtp(p).payload).toEqual(Buffer.from([0xaa, 0xbb]));
    expect(() => parseRtp(Buffer.from([0x40, 0, 0]))).toThrow();
    expect(() => parseRtp(Buffer.alloc(12))).toThrow(/version 0/);
  });
});
