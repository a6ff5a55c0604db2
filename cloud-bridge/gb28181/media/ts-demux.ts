/**
 * MPEG transport stream → video access units with their 90 kHz timestamps (ISO/IEC 13818-1
 * §2.4): what ffmpeg writes when it copies a camera's RTSP stream without transcoding. Pure;
 * pushes of any size. Only the first video stream of the first program is kept.
 */

export type VideoCodec = 'h264' | 'hevc';

export interface AccessUnit {
  codec: VideoCodec;
  /** 90 kHz, 33 bits. */
  pts: number;
  dts: number;
  keyframe: boolean;
  /** Annex B byte stream of one picture. */
  data: Buffer;
}

const PACKET = 188;
/** A PES larger than this is dropped (a corrupt length or a stream that is not video). */
const MAX_PES = 8 * 1024 * 1024;

export class TsDemuxer {
  private rest: Buffer = Buffer.alloc(0);
  private pmtPid: number | undefined;
  private videoPid: number | undefined;
  private codecOf: VideoCodec | undefined;
  private pes: Buffer[] = [];
  private pesBytes = 0;
  /** Stream type of the first video-looking stream when it is not one we carry. */
  unsupported: number | undefined;
  /** Bytes skipped to find packet sync again. */
  resyncs = 0;

  get codec(): VideoCodec | undefined {
    return this.codecOf;
  }

  push(chunk: Buffer): AccessUnit[] {
    let buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: AccessUnit[] = [];
    let i = 0;
    while (buf.length - i >= PACKET) {
      if (buf[i] !== 0x47) {
        i++;
        this.resyncs++;
        continue;
      }
      this.packet(buf.subarray(i, i + PACKET), out);
      i += PACKET;
    }
    buf = buf.subarray(i);
    this.rest = Buffer.from(buf);
    return out;
  }

  /** The access unit still being collected (at end of stream). */
  flush(): AccessUnit[] {
    const out: AccessUnit[] = [];
    this.finishPes(out);
    return out;
  }

  private packet(p: Buffer, out: AccessUnit[]): void {
    const pusi = ((p[1] as number) & 0x40) !== 0;
    const pid = (((p[1] as number) & 0x1f) << 8) | (p[2] as number);
    const afc = ((p[3] as number) >> 4) & 0x3;
    let off = 4;
    if (afc === 2 || afc === 0) return; // adaptation field only, or reserved
    if (afc === 3) off += 1 + (p[4] as number);
    if (off >= PACKET) return;
    const payload = p.subarray(off);
    if (pid === 0) this.pat(payload, pusi);
    else if (pid === this.pmtPid) this.pmt(payload, pusi);
    else if (pid === this.videoPid) {
      if (pusi) {
        this.finishPes(out);
        this.pes = [];
        this.pesBytes = 0;
      }
      if (this.pesBytes + payload.length > MAX_PES) {
        this.pes = [];
        this.pesBytes = 0;
        return;
      }
      this.pes.push(Buffer.from(payload));
      this.pesBytes += payload.length;
    }
  }

  private section(payload: Buffer, pusi: boolean): Buffer | undefined {
    if (!pusi) return undefined; // PSI sections we need fit one packet
    const pointer = payload[0] as number;
    const s = payload.subarray(1 + pointer);
    if (s.length < 8) return undefined;
    const len = (((s[1] as number) & 0x0f) << 8) | (s[2] as number);
    if (3 + len > s.length) return undefined;
    return s.subarray(0, 3 + len - 4); // without CRC
  }

  private pat(payload: Buffer, pusi: boolean): void {
    const s = this.section(payload, pusi);
    if (!s || s[0] !== 0x00) return;
    for (let i = 8; i + 4 <= s.length; i += 4) {
      const program = ((s[i] as number) << 8) | (s[i + 1] as number);
      const pid = (((s[i + 2] as number) & 0x1f) << 8) | (s[i + 3] as number);
      if (program !== 0) {
        this.pmtPid = pid;
        return;
      }
    }
  }

  private pmt(payload: Buffer, pusi: boolean): void {
    const s = this.section(payload, pusi);
    if (!s || s[0] !== 0x02) return;
    const infoLen = (((s[10] as number) & 0x0f) << 8) | (s[11] as number);
    for (let i = 12 + infoLen; i + 5 <= s.length;) {
      const type = s[i] as number;
      const pid = (((s[i + 1] as number) & 0x1f) << 8) | (s[i + 2] as number);
      const esLen = (((s[i + 3] as number) & 0x0f) << 8) | (s[i + 4] as number);
      if (this.videoPid === undefined) {
        if (type === 0x1b || type === 0x24) {
          this.videoPid = pid;
          this.codecOf = type === 0x1b ? 'h264' : 'hevc';
        } else if ([0x01, 0x02, 0x10, 0x42, 0xd1, 0xea].includes(type)) this.unsupported ??= type;
      }
      i += 5 + esLen;
    }
  }

  private finishPes(out: AccessUnit[]): void {
    if (this.pes.length === 0 || !this.codecOf) return;
    const pes = Buffer.concat(this.pes);
    this.pes = [];
    this.pesBytes = 0;
    if (pes.length < 9 || pes[0] !== 0 || pes[1] !== 0 || pes[2] !== 1) return;
    const flags = (pes[7] as number) >> 6;
    const hdrLen = pes[8] as number;
    if (9 + hdrLen > pes.length || flags === 1 || flags === 0) return; // a picture without PTS cannot be timed
    const pts = readTs(pes, 9);
    const dts = flags === 3 ? readTs(pes, 14) : pts;
    const data = pes.subarray(9 + hdrLen);
    if (data.length === 0) return;
    out.push({ codec: this.codecOf, pts, dts, keyframe: isKeyframe(data, this.codecOf), data });
  }
}

/** A 33-bit PES timestamp at `o` (5 bytes with marker bits). */
export function readTs(b: Buffer, o: number): number {
  return (
    (((b[o] as number) >> 1) & 0x07) * 2 ** 30 +
    ((b[o + 1] as number) << 22) +
    (((b[o + 2] as number) >> 1) << 15) +
    ((b[o + 3] as number) << 7) +
    ((b[o + 4] as number) >> 1)
  );
}

/** NAL unit types of an Annex B access unit. */
export function nalTypes(data: Buffer, codec: VideoCodec): number[] {
  const types: number[] = [];
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      const h = data[i + 3] as number;
      types.push(codec === 'h264' ? h & 0x1f : (h >> 1) & 0x3f);
      i += 3;
    }
  }
  return types;
}

export function isKeyframe(data: Buffer, codec: VideoCodec): boolean {
  return nalTypes(data, codec).some((t) => (codec === 'h264' ? t === 5 : t >= 16 && t <= 21));
}
