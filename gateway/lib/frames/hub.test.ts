import { describe, expect, it } from 'vitest';
import { FrameHub } from './hub.js';
import { FramePool } from './pool.js';
import type { Frame } from './frame.js';

function publish(hub: FrameHub, pool: FramePool, cameraId: string, seq: number, ts = seq): Buffer {
  const data = pool.acquire();
  data.fill(seq);
  const frame: Frame = { cameraId, width: 1, height: 1, format: 'rgb24', data, ts, seq, motionRoi: null, regions: [] };
  hub.publish(frame, pool);
  pool.release(data); // the publisher's own reference
  return data;
}

describe('FrameHub (newest wins, no copies)', () => {
  it('hands a waiting subscriber the frame directly', async () => {
    const hub = new FrameHub();
    const pool = new FramePool(3);
    const sub = hub.subscribe();
    const next = sub.next();
    publish(hub, pool, 'a', 1);
    const r = await next;
    expect(r.value?.seq).toBe(1);
    expect(pool.inUse).toBe(1); // held by the subscriber until it asks again
    sub.close();
    expect(pool.inUse).toBe(0);
  });

  it('replaces the waiting frame of a busy subscriber and counts the drop', async () => {
    const hub = new FrameHub();
    const pool = new FramePool(3);
    const sub = hub.subscribe({ cameras: ['a'] });
    for (let i = 1; i <= 5; i++) publish(hub, pool, 'a', i);
    publish(hub, pool, 'b', 9); // not subscribed
    expect((await sub.next()).value?.seq).toBe(5);
    expect(sub.dropped).toBe(4);
    expect(hub.droppedFor('a')).toBe(4);
    expect(pool.inUse).toBe(1);
    expect(pool.allocated).toBeLessThanOrEqual(2);
    sub.close();
  });

  it('never overwrites a frame a subscriber still holds', async () => {
    const hub = new FrameHub();
    const pool = new FramePool(3);
    const sub = hub.subscribe();
    publish(hub, pool, 'a', 1);
    const held = (await sub.next()).value as Frame;
    for (let i = 2; i <= 10; i++) publish(hub, pool, 'a', i);
    expect([...held.data]).toEqual([1, 1, 1]);
    expect((await sub.next()).value?.seq).toBe(10);
    sub.close();
    expect(pool.inUse).toBe(0);
  });

  it('serves the oldest waiting camera first, so a busy camera cannot starve the others', async () => {
    const hub = new FrameHub();
    const pool = new FramePool(3);
    const sub = hub.subscribe();
    publish(hub, pool, 'a', 1, 100);
    publish(hub, pool, 'b', 1, 50);
    publish(hub, pool, 'a', 2, 150);
    expect((await sub.next()).value?.cameraId).toBe('b');
    expect((await sub.next()).value?.cameraId).toBe('a');
    sub.close();
  });

  it('ends iteration on close or abort, releasing everything', async () => {
    const hub = new FrameHub();
    const pool = new FramePool(3);
    const ac = new AbortController();
    const sub = hub.subscribe({ signal: ac.signal });
    publish(hub, pool, 'a', 1);
    const seen: number[] = [];
    const loop = (async () => {
      for await (const f of sub) {
        seen.push(f.seq);
        ac.abort();
      }
    })();
    await loop;
    expect(seen).toEqual([1]);
    expect(hub.subscribers).toBe(0);
    expect(pool.inUse).toBe(0);
  });
});
