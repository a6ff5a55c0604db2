import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { EventBus } from './bus.js';
import { createLogger } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ level: 'debug', destination }) };
}

describe('EventBus', () => {
  it('delivers typed payloads to every listener, and a throwing listener is logged, not fatal', async () => {
    const { lines, log } = capture();
    const bus = new EventBus({ log: log.child({ component: 'bus' }) });
    const got: string[] = [];
    bus.on('gateway.started', () => {
      throw new Error('listener bug');
    });
    bus.on('gateway.started', async () => {
      throw new Error('async listener bug');
    });
    bus.on('gateway.started', (p) => {
      got.push(p.version);
    });
    expect(() => bus.emit('gateway.started', { version: '1.2.3', startedAt: 'now' })).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual(['1.2.3']);
    const errors = lines.filter((l) => l.msg === 'bus listener failed');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ level: 'error', component: 'bus', event: 'gateway.started', err: 'listener bug' });
    expect(errors[1]).toMatchObject({ err: 'async listener bug' });
  });

  it('unsubscribes, runs once listeners once, and waits for a matching event', async () => {
    const { log } = capture();
    const bus = new EventBus({ log });
    let n = 0;
    const off = bus.on('gateway.stopping', () => void n++);
    bus.once('gateway.stopping', () => void (n += 10));
    bus.emit('gateway.stopping', { reason: 'a' });
    off();
    bus.emit('gateway.stopping', { reason: 'b' });
    expect(n).toBe(11);
    expect(bus.listenerCount('gateway.stopping')).toBe(0);
    const waiting = bus.waitFor('gateway.stopping', (p) => p.reason === 'yes', 1000);
    bus.emit('gateway.stopping', { reason: 'no' });
    bus.emit('gateway.stopping', { reason: 'yes' });
    await expect(waiting).resolves.toEqual({ reason: 'yes' });
    await expect(bus.waitFor('gateway.stopping', () => true, 20)).rejects.toThrow(/timed out after 20 ms waiting for gateway.stopping/);
  });
});
