/**
 * SIP over a byte stream (TCP, RFC 3261 §18.3): messages are cut by Content-Length, which is
 * mandatory there. Pure: push bytes, take whole messages. A violation (no Content-Length, a head
 * or body past the limits) throws SipParseError; the connection cannot be resynchronised after
 * that and must be closed.
 */
import { SIP_LIMITS, SipParseError, headEnd, parseContentLength } from './message.js';

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes and returns every message now complete (raw, for parseMessage). */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      let start = 0;
      while (start < this.buf.length && (this.buf[start] === 0x0d || this.buf[start] === 0x0a)) start++; // CRLF keep-alives
      if (start > 0) this.buf = this.buf.subarray(start);
      if (this.buf.length === 0) break;
      const end = headEnd(this.buf);
      if (!end) {
        if (this.buf.length > SIP_LIMITS.maxHeaderBytes)
          throw new SipParseError(`no end of headers within ${SIP_LIMITS.maxHeaderBytes} bytes`);
        break;
      }
      if (end.at > SIP_LIMITS.maxHeaderBytes)
        throw new SipParseError(`header section of ${end.at} bytes exceeds ${SIP_LIMITS.maxHeaderBytes}`);
      const head = this.buf.subarray(0, end.at).toString('latin1');
      const m = /(?:^|\n)(?:content-length|l)[ \t]*:[ \t]*([^\r\n]*)/i.exec(head);
      if (!m) throw new SipParseError('message on a stream without Content-Length');
      const length = parseContentLength(m[1] as string);
      if (length > SIP_LIMITS.maxBodyBytes) throw new SipParseError(`body of ${length} bytes exceeds ${SIP_LIMITS.maxBodyBytes}`);
      const total = end.at + end.sepLen + length;
      if (this.buf.length < total) break;
      out.push(Buffer.from(this.buf.subarray(0, total)));
      this.buf = this.buf.subarray(total);
    }
    return out;
  }

  /** Bytes held waiting for the rest of a message. */
  get pending(): number {
    return this.buf.length;
  }
}
