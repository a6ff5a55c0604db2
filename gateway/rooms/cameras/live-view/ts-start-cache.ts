/**
 * The relay's output since its last MPEG-1 sequence header (the start of a GOP JSMpeg can decode
 * from), with the latest PAT and PMT in front: a viewer who joins a running relay gets this first
 * and sees a picture at once instead of waiting for the next GOP. Pure: MPEG-TS bytes in (any
 * chunking, the stream starting on a packet boundary), the join burst out; bounded.
 */
const PACKET = 188;
const SEQUENCE_HEADER = Buffer.from([0, 0, 1, 0xb3]);

export class TsStartCache {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Absolute stream offset of chunks[0]. */
  private start = 0;
  /** Bytes of the stream seen so far. */
  private total = 0;
  /** Bytes of the stream already scanned for packets (a multiple of 188). */
  private scanned = 0;
  private partial: Buffer = Buffer.alloc(0);
  private keyAt: number | undefined;
  private pat: Buffer | undefined;
  private pmt: Buffer | undefined;
  private pmtPid: number | undefined;

  constructor(private readonly maxBytes = 4 * 1024 * 1024) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    this.total += chunk.length;
    const data = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    let i = 0;
    for (; i + PACKET <= data.length; i += PACKET) this.packet(data.subarray(i, i + PACKET), this.scanned + i);
    this.scanned += i;
    this.partial = Buffer.from(data.subarray(i));
    if (this.keyAt !== undefined) this.trimTo(this.keyAt);
    if (this.bytes > this.maxBytes) {
      // No sequence header for too long: nothing to offer a joiner until the next one.
      this.keyAt = undefined;
      this.chunks = [];
      this.start = this.total;
      this.bytes = 0;
    }
  }

  /** What a joining viewer gets first (empty until a sequence header went by). */
  burst(): Buffer[] {
    if (this.keyAt === undefined || !this.pat || !this.pmt) return [];
    return [this.pat, this.pmt, ...this.chunks];
  }

  private packet(p: Buffer, offset: number): void {
    if (p[0] !== 0x47) return; // out of sync: ignore (ffmpeg's output is aligned)
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const unitStart = (p[1]! & 0x40) !== 0;
    if (pid === 0) {
      this.pat = Buffer.from(p);
      // PAT: pointer field, then table; first program's PMT PID at section offset 10.
      const at = 5 + p[4]!;
      if (at + 12 <= PACKET) this.pmtPid = ((p[at + 10]! & 0x1f) << 8) | p[at + 11]!;
      return;
    }
    if (pid === this.pmtPid) {
      this.pmt = Buffer.from(p);
      return;
    }
    if (unitStart && p.includes(SEQUENCE_HEADER)) this.keyAt = offset;
  }

  private trimTo(offset: number): void {
    while (this.chunks.length && this.start + (this.chunks[0] as Buffer).length <= offset) {
      const c = this.chunks.shift() as Buffer;
      this.start += c.length;
      this.bytes -= c.length;
    }
    if (this.chunks.length && this.start < offset) {
      const first = this.chunks[0] as Buffer;
      const cut = offset - this.start;
      this.chunks[0] = first.subarray(cut);
      this.start = offset;
      this.bytes -= cut;
    }
  }
}
