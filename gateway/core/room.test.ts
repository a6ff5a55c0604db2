import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { EventBus } from './bus.js';
import { startRooms, stopRooms, type Room, type Scope } from './room.js';

const log = createLogger({ level: 'silent' });
const bus = new EventBus({ log });

function room(name: string, trace: string[], opts: { failStart?: boolean; failStop?: boolean } = {}): Room {
  return {
    name,
    async start() {
      if (opts.failStart) throw new Error(`${name} cannot start`);
      trace.push(`start ${name}`);
    },
    async stop() {
      trace.push(`stop ${name}`);
      if (opts.failStop) throw new Error(`${name} cannot stop`);
    },
  };
}

describe('rooms', () => {
  it('start in order and stop in reverse, each stop isolated', async () => {
    const trace: string[] = [];
    const started = await startRooms([room('a', trace), room('b', trace, { failStop: true }), room('c', trace)], { bus, log });
    await stopRooms(started, log);
    expect(trace).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('a failed start stops the rooms already started and names the room', async () => {
    const trace: string[] = [];
    await expect(startRooms([room('a', trace), room('b', trace, { failStart: true }), room('c', trace)], { bus, log })).rejects.toThrow(
      'room b failed to start: b cannot start',
    );
    expect(trace).toEqual(['start a', 'stop a']);
  });

  it('a room subscribes and schedules through its scope, and nothing of it runs once it stopped', async () => {
    const heard: string[] = [];
    let ticks = 0;
    const r: Room = {
      name: 'listener',
      async start(scope) {
        scope.on('gateway.stopping', (p) => void heard.push(p.reason));
        scope.every(5, () => void ticks++);
      },
    };
    const started = await startRooms([r], { bus, log });
    bus.emit('gateway.stopping', { reason: 'while running' });
    await new Promise((res) => setTimeout(res, 30));
    expect(ticks).toBeGreaterThan(0);
    await stopRooms(started, log);
    const after = ticks;
    bus.emit('gateway.stopping', { reason: 'after stop' });
    await new Promise((res) => setTimeout(res, 30));
    expect(heard).toEqual(['while running']);
    expect(ticks).toBe(after);
    expect(bus.listenerCount('gateway.stopping')).toBe(0);
  });

  it('a one-off timer runs once and is let go; one pending when the room stops never runs', async () => {
    const fired: string[] = [];
    let scope: Scope | undefined;
    const r: Room = {
      name: 'retrier',
      async start(s) {
        scope = s;
        s.after(5, () => void fired.push('soon'));
        s.after(10_000, () => void fired.push('late'));
        const cancel = s.after(5, () => void fired.push('cancelled'));
        cancel();
      },
    };
    const started = await startRooms([r], { bus, log });
    expect(scope?.open).toBe(2);
    await new Promise((res) => setTimeout(res, 40));
    expect(fired).toEqual(['soon']);
    expect(scope?.open).toBe(1); // the late one only
    await stopRooms(started, log);
    expect(scope?.open).toBe(0);
    expect(() => scope?.after(1, () => undefined)).toThrow('scope already closed');
    expect(fired).toEqual(['soon']);
  });
});
