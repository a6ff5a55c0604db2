/**
 * Preallocated, reference-counted frame buffers for one camera. The reader fills a buffer taken
 * with `acquire`; every holder (the reader, each subscriber slot) calls `retain`/`release`; a
 * buffer whose count drops to zero goes back to the free list. No allocation per frame once warm,
 * and a buffer is never overwritten while someone still holds it.
 */
export class FramePool {
  private readonly free: Buffer[] = [];
  private readonly refs = new Map<Buffer, number>();
  allocated = 0;

  constructor(
    readonly frameBytes: number,
    readonly maxBuffers = 64,
  ) {}

  /** A free buffer with a count of 1 (the caller's). */
  acquire(): Buffer {
    let buf = this.free.pop();
    if (!buf) {
      if (this.allocated >= this.maxBuffers)
        throw new Error(`frame pool exhausted (${this.maxBuffers} buffers held): a subscriber never releases its frames`);
      buf = Buffer.allocUnsafeSlow(this.frameBytes);
      this.allocated++;
    }
    this.refs.set(buf, 1);
    return buf;
  }

  retain(buf: Buffer): void {
    const n = this.refs.get(buf);
    if (n === undefined) throw new Error('retain of a buffer that is not held');
    this.refs.set(buf, n + 1);
  }

  release(buf: Buffer): void {
    const n = this.refs.get(buf);
    if (n === undefined) throw new Error('release of a buffer that is not held');
    if (n > 1) {
      this.refs.set(buf, n - 1);
    } else {
      this.refs.delete(buf);
      this.free.push(buf);
    }
  }

  /** Buffers currently held by someone. */
  get inUse(): number {
    return this.refs.size;
  }
}
