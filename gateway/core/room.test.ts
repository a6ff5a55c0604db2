import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { EventBus } from './bus.js';
import { startRooms, stopRooms, type Room } from './room.js';

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
      async stop() {},
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
});
