/**
 * Batched durability, off the event loop: writes happen at once, and an fsync round (run by the
 * owner, e.g. in libuv's thread pool) covers every write made before it started. One round at a
 * time; writes made during a round get the next one. `durable()` resolves once a round that began
 * after the call has ended. Used by the event journal and the replay guard's nonce file.
 */
export class BatchedSync {
  private dirty = false;
  private syncing = false;
  private waiters: Array<() => void> = [];
  /** Rounds run so far. */
  syncs = 0;

  /** `round` makes everything written so far durable, then calls `done` (also on failure). */
  constructor(private readonly round: (done: () => void) => void) {}

  /** Something was written: a round will cover it. */
  written(): void {
    this.dirty = true;
    if (!this.syncing) this.next();
  }

  /** Resolves once everything written before the call is on the disk (or its round failed). */
  durable(): Promise<void> {
    if (!this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.written(); // a round already running may have started before the last write
    });
  }

  /** A write is not yet covered by a finished round. */
  get pending(): boolean {
    return this.dirty || this.syncing;
  }

  /** The owner made everything durable itself (a close): release every waiter. */
  settled(): void {
    this.dirty = false;
    for (const w of this.waiters.splice(0)) w();
  }

  private next(): void {
    this.syncing = true;
    this.dirty = false;
    const waiters = this.waiters;
    this.waiters = [];
    this.round(() => {
      this.syncing = false;
      this.syncs++;
      for (const w of waiters) w();
      if (this.dirty) this.next();
    });
  }
}
