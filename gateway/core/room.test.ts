import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { startRooms, stopRooms, type Room } from './room.js';

const log = createLogger({ level: 'silent' });

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
    const started = await startRooms([room('a', trace), room('b', trace, { failStop: true }), room('c', trace)], log);
    await stopRooms(started, log);
    expect(trace).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('a failed start stops the rooms already started and names the room', async () => {
    const trace: string[] = [];
    await expect(startRooms([room('a', trace), room('b', trace, { failStart: true }), room('c', trace)], log)).rejects.toThrow(
      'room b failed to start: b cannot start',
    );
    expect(trace).toEqual(['start a', 'stop a']);
  });
});
