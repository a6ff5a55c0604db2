import type { FramedCodec, FrameFault, RawFrame } from './framed.js';

/**
 * Splits a byte stream into frames of a FramedCodec: hunts for the header, waits for the rest,
 * resynchronises one byte further on a bad checksum/trailer/length, and discards a partial frame
 * that stalls longer than the profile's inter-byte timeout. Pure (the caller passes the time);
 * every discarded byte run is reported as a fault so the driver can count it.
 */
export interface ReadResult {
  frames: RawFrame[];
  faults: FrameFault[];
}

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private lastByteAt = 0;

  constructor(private readonly codec: FramedCodec) {}

  push(chunk: Buffer, now: number): ReadResult {
    const out: ReadResult = { frames: [], faults: [] };
    if (this.buf.length > 0 && now - this.lastByteAt > this.codec.proto.interByteTimeoutMs) {
      out.faults.push('truncated');
      this.buf = Buffer.alloc(0);
    }
    this.lastByteAt = now;
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const header = Buffer.from(this.codec.proto.header);
    for (;;) {
      const at = this.buf.indexOf(header);
      if (at < 0) {
        // Keep a tail that could be the start of a header.
        let keep = Math.min(this.buf.length, header.length - 1);
        while (keep > 0 && !header.subarray(0, keep).equals(this.buf.subarray(this.buf.length - keep))) keep--;
        if (this.buf.length - keep > 0) out.faults.push('noise');
        this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
        break;
      }
      if (at > 0) {
        out.faults.push('noise');
        this.buf = this.buf.subarray(at);
      }
      const r = this.codec.parseAt(this.buf);
      if (r === 'more') break;
      if (typeof r === 'string') {
        out.faults.push(r);
        this.buf = this.buf.subarray(1);
        continue;
      }
      out.frames.push(r.frame);
      this.buf = this.buf.subarray(r.size);
    }
    if (this.buf.length > this.codec.proto.maxFrameBytes * 4) {
      out.faults.push('oversized');
      this.buf = Buffer.alloc(0);
    }
    return out;
  }

  /** Drops a stalled partial frame; returns true when something was dropped. */
  expire(now: number): boolean {
    if (this.buf.length > 0 && now - this.lastByteAt > this.codec.proto.interByteTimeoutMs) {
      this.buf = Buffer.alloc(0);
      return true;
    }
    return false;
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
  }
}
