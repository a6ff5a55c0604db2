/**
 * A room is one concern of the daemon (store, cloud bridge, cameras, devices, ...). The
 * composition root starts rooms in order and stops them in reverse; each stop runs in its own
 * try/catch so one failing room does not leave the others running.
 */
export interface Room {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Lines for the start-up banner once started (URLs, what runs), e.g. "console: http://...". */
  summary?(): string[];
}

import type { Logger } from './logger.js';

export async function startRooms(rooms: Room[], log: Logger): Promise<Room[]> {
  const started: Room[] = [];
  for (const room of rooms) {
    const t0 = performance.now();
    try {
      await room.start();
    } catch (err) {
      log.error({ room: room.name, err: errInfo(err) }, 'room failed to start; stopping the rooms already started');
      await stopRooms(started, log);
      throw new Error(`room ${room.name} failed to start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    started.push(room);
    log.info({ room: room.name, ms: Math.round(performance.now() - t0) }, 'room started');
  }
  return started;
}

export async function stopRooms(rooms: Room[], log: Logger): Promise<void> {
  for (const room of [...rooms].reverse()) {
    try {
      await room.stop();
      log.info({ room: room.name }, 'room stopped');
    } catch (err) {
      log.error({ room: room.name, err: errInfo(err) }, 'room failed to stop cleanly');
    }
  }
}

export function errInfo(err: unknown): { message: string; code?: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? { message: err.message, code } : { message: err.message };
  }
  return { message: String(err) };
}
