import type { Frame } from './frame.js';
import type { FramePool } from './pool.js';

interface Held {
  frame: Frame;
  pool: FramePool;
}

/** What consumers (faces, plates) see: frames of some cameras, newest first-come per camera. */
export interface FrameSubscription extends AsyncIterableIterator<Frame> {
  /** Frames replaced by a newer one of the same camera before this subscriber took them. */
  readonly dropped: number;
  close(): void;
}

export interface FrameSource {
  /**
   * Frames of the given cameras (all cameras when omitted) that passed the motion gate. Each
   * camera has a one-frame slot per subscriber: when the subscriber is busy, a newer frame
   * replaces the waiting one (counted in `dropped`). Across cameras, the oldest waiting frame is
   * yielded first, so one busy camera cannot starve the others.
   */
  subscribe(opts?: { cameras?: string[]; signal?: AbortSignal }): FrameSubscription;
}

class Subscription implements FrameSubscription {
  private readonly slots = new Map<string, Held>();
  private current: Held | undefined;
  private waiter: ((r: IteratorResult<Frame>) => void) | undefined;
  private closed = false;
  dropped = 0;

  constructor(
    private readonly filter: Set<string> | undefined,
    private readonly onDrop: (cameraId: string) => void,
    private readonly onClose: (s: Subscription) => void,
  ) {}

  wants(cameraId: string): boolean {
    return !this.closed && (!this.filter || this.filter.has(cameraId));
  }

  offer(held: Held): void {
    held.pool.retain(held.frame.data);
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      this.current = held;
      resolve({ value: held.frame, done: false });
      return;
    }
    const old = this.slots.get(held.frame.cameraId);
    if (old) {
      old.pool.release(old.frame.data);
      this.dropped++;
      this.onDrop(held.frame.cameraId);
    }
    this.slots.set(held.frame.cameraId, held);
  }

  next(): Promise<IteratorResult<Frame>> {
    this.releaseCurrent();
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    let oldest: Held | undefined;
    for (const h of this.slots.values()) if (!oldest || h.frame.ts < oldest.frame.ts) oldest = h;
    if (oldest) {
      this.slots.delete(oldest.frame.cameraId);
      this.current = oldest;
      return Promise.resolve({ value: oldest.frame, done: false });
    }
    if (this.waiter) return Promise.reject(new Error('FrameSubscription.next() called again before the previous call resolved'));
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<Frame>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseCurrent();
    for (const h of this.slots.values()) h.pool.release(h.frame.data);
    this.slots.clear();
    this.waiter?.({ value: undefined, done: true });
    this.waiter = undefined;
    this.onClose(this);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Frame> {
    return this;
  }

  private releaseCurrent(): void {
    if (this.current) {
      this.current.pool.release(this.current.frame.data);
      this.current = undefined;
    }
  }
}

/**
 * Hands gated frames to subscribers without copying them and without the event bus (a bus
 * event would hold a 700 KB buffer per listener). The publisher keeps its own reference to the
 * pooled buffer and releases it after `publish` returns.
 */
export class FrameHub implements FrameSource {
  private readonly subs = new Set<Subscription>();
  private readonly drops = new Map<string, number>();

  subscribe(opts: { cameras?: string[]; signal?: AbortSignal } = {}): FrameSubscription {
    const sub = new Subscription(
      opts.cameras ? new Set(opts.cameras) : undefined,
      (id) => this.drops.set(id, (this.drops.get(id) ?? 0) + 1),
      (s) => this.subs.delete(s),
    );
    this.subs.add(sub);
    opts.signal?.addEventListener('abort', () => sub.close(), { once: true });
    return sub;
  }

  publish(frame: Frame, pool: FramePool): void {
    for (const sub of this.subs) if (sub.wants(frame.cameraId)) sub.offer({ frame, pool });
  }

  /** Frames of this camera that some subscriber never took (newest-wins replacements). */
  droppedFor(cameraId: string): number {
    return this.drops.get(cameraId) ?? 0;
  }

  get subscribers(): number {
    return this.subs.size;
  }

  closeAll(): void {
    for (const s of [...this.subs]) s.close();
  }
}
