import { describe, expect, it } from 'vitest';
import { ReplySlot, SerialQueue } from './session.js';

describe('ReplySlot: the one reply a half-duplex master waits for', () => {
  it('settles with the delivered reply and is then free', async () => {
    const slot = new ReplySlot<{ fn: number }, string>();
    const waiting = slot.wait({ fn: 5 }, 1000);
    expect(slot.expected).toEqual({ fn: 5 });
    slot.deliver('ack');
    expect(await waiting).toBe('ack');
    expect(slot.expected).toBeUndefined();
    slot.deliver('late'); // nothing armed: ignored
  });

  it('times out, and a reply after the timeout is not taken for the next request', async () => {
    const slot = new ReplySlot<string, string>();
    expect(await slot.wait('status', 20)).toBe('timeout');
    expect(slot.expected).toBeUndefined();
    const next = slot.wait('open', 1000);
    slot.deliver('open-ack');
    expect(await next).toBe('open-ack');
  });

  it('reports lost when the link goes down', async () => {
    const slot = new ReplySlot<string, string>();
    const waiting = slot.wait('open', 1000);
    slot.cancel();
    expect(await waiting).toBe('lost');
  });

  it('re-arming replaces the expectation; the earlier wait still ends by its own timer', async () => {
    const slot = new ReplySlot<string, string>();
    const first = slot.wait('a', 20);
    const second = slot.wait('b', 1000);
    expect(slot.expected).toBe('b');
    slot.deliver('for-b');
    expect(await second).toBe('for-b');
    expect(await first).toBe('timeout');
  });
});

describe('SerialQueue', () => {
  it('runs jobs one at a time in order, and a failed job does not stop the next', async () => {
    const q = new SerialQueue();
    const order: string[] = [];
    const a = q.run(async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('a');
    });
    const b = q.run(async () => {
      order.push('b');
      throw new Error('b failed');
    });
    const c = q.run(async () => order.push('c'));
    await a;
    await expect(b).rejects.toThrow('b failed');
    await c;
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('an urgent job (a fail-safe command) goes ahead of every job still waiting, never interrupts the running one', async () => {
    const q = new SerialQueue();
    const order: string[] = [];
    let release!: () => void;
    const running = q.run(() => new Promise<void>((r) => (release = r)).then(() => void order.push('running')));
    const waiting = [1, 2, 3].map((n) => q.run(async () => void order.push(`normal-${n}`)));
    const urgent = q.run(async () => void order.push('urgent'), { urgent: true });
    expect(q.waiting).toBe(4);
    release();
    await Promise.all([running, ...waiting, urgent]);
    expect(order).toEqual(['running', 'urgent', 'normal-1', 'normal-2', 'normal-3']);
  });
});
