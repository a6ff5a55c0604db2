import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { DevicesRoom } from './room.js';
import { startRoom, testContext, type TestContext } from '../../testing/context.js';
import { startRooms, type Room } from '../../core/room.js';
import { tempDir, until } from './testing/helpers.js';
import { openSimLine, type SimLine } from './testing/sim-line.js';
import type { GatewayEvents } from '../../events.js';
import { Database } from '../../store/database.js';

/**
 * Fire safety across restarts, against the project's simulators on socat ptys that outlive the
 * gateway (as a real board and barrier do): the devices room is stopped and started again during
 * a fire, with the IO board unplugged at the second start, and no `close` ever reaches an egress
 * gate until the fire input itself reads clear.
 */
const board = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
const barrier = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));

/** Requests that leave a gate closed: close, release (and a relay board's pulse end, the same write). */
const closes = (l: SimLine) => l.count('close') + l.count('release');

interface Run {
  ctx: TestContext;
  room: DevicesRoom;
  faults: GatewayEvents['alarm.fire_fault'][];
  stop(): Promise<void>;
}

async function startGateway(dir: string, lines: { board: SimLine; gate: SimLine }, fireUnknown = 'hold_open'): Promise<Run> {
  const ctx = testContext(
    `devices:
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1, board-1], fireUnknown: ${fireUnknown} }
`,
    { dir },
  );
  const faults: GatewayEvents['alarm.fire_fault'][] = [];
  ctx.bus.on('alarm.fire_fault', (p) => void faults.push(p));
  const room = new DevicesRoom(ctx);
  const stopRoom = await startRoom(ctx, room);
  return {
    ctx,
    room,
    faults,
    async stop() {
      await stopRoom();
      ctx.dispose();
    },
  };
}

describe('fire safety across restarts (simulators on ptys that outlive the gateway)', () => {
  const dir = tempDir('se-fire-restart-');
  let lines: { board: SimLine; gate: SimLine };
  let run: Run | undefined;

  beforeAll(async () => {
    lines = {
      board: await openSimLine({ id: 'board-1', profile: board, dir }),
      gate: await openSimLine({ id: 'gate-1', profile: barrier, dir }),
    };
  });
  afterAll(async () => {
    await run?.stop().catch(() => undefined);
    await lines.board.stop();
    await lines.gate.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a stop and a start during a fire, with the IO board unplugged at the start: never a close, held until the input reads clear', async () => {
    run = await startGateway(dir, lines);
    await until(() => run!.room.list().every((d) => d.online), 'devices online', 45_000);
    // No fire: once the board's input is read clear, the gate is closed (the ordinary fail-safe).
    await until(() => lines.gate.gateIs('closed') && !run!.room.list().find((d) => d.id === 'gate-1')?.heldOpen, 'gate closed, not held');

    lines.board.sim.setInput('fireAlarm', true);
    await until(() => lines.gate.gateIs('open') && lines.board.gateIs('open'), 'both egress gates open for the fire', 10_000);
    await until(
      () => existsSync(join(dir, 'fire-state.json')) && readFileSync(join(dir, 'fire-state.json'), 'utf8').includes('board-1/fireAlarm'),
      'fire state saved',
    );
    const before = { gate: closes(lines.gate), board: closes(lines.board) };

    await run.stop();
    run = undefined;
    await lines.board.unplug(); // the IO board is absent when the gateway starts again
    const hold = lines.gate.count('hold_open');
    run = await startGateway(dir, lines);
    await until(() => run!.room.list().find((d) => d.id === 'gate-1')?.online === true, 'gate online', 45_000);
    await until(() => lines.gate.count('hold_open') > hold, 'hold-open at the gate first connect');
    expect(run.room.list().find((d) => d.id === 'gate-1')).toMatchObject({ heldOpen: true, heldBy: ['board-1/fireAlarm: active'] });
    // The fire input is not read within the grace: a supervision fault, the gate still held.
    await until(() => run!.faults.some((f) => f.fault === 'unread'), 'alarm.fire_fault unread', 15_000);
    expect(run.faults[0]).toMatchObject({
      deviceId: 'board-1',
      input: 'fireAlarm',
      fault: 'unread',
      holdsOpen: true,
      egress: ['gate-1', 'board-1'],
    });
    expect(lines.gate.gateIs('open')).toBe(true);

    await lines.board.plug(); // plugged in while the fire is still on
    await until(() => run!.faults.some((f) => f.fault === 'cleared'), 'fire input read again', 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect({ gate: closes(lines.gate), board: closes(lines.board) }).toEqual(before);
    expect(lines.gate.gateIs('open') && lines.board.gateIs('open')).toBe(true);

    // Only the fire input itself ends the fire.
    lines.board.sim.setInput('fireAlarm', false);
    await until(() => lines.gate.gateIs('closed'), 'gate closed once the input reads clear', 10_000);
    expect(closes(lines.gate)).toBeGreaterThan(before.gate);
    await run.stop();
    run = undefined;
  });

  it('with fireUnknown: ignore, the persisted fire state alone keeps the gates held across a restart with the board absent', async () => {
    run = await startGateway(dir, lines, 'ignore');
    await until(() => run!.room.list().every((d) => d.online), 'devices online', 45_000);
    await until(() => lines.gate.gateIs('closed'), 'gate closed');
    lines.board.sim.setInput('fireAlarm', true);
    await until(() => lines.gate.gateIs('open'), 'gate open for the fire', 10_000);
    await until(() => readFileSync(join(dir, 'fire-state.json'), 'utf8').includes('board-1/fireAlarm'), 'fire state saved');
    const before = closes(lines.gate);
    await run.stop();
    run = undefined;
    await lines.board.unplug();
    const hold = lines.gate.count('hold_open');
    run = await startGateway(dir, lines, 'ignore');
    await until(() => lines.gate.count('hold_open') > hold, 'hold-open at the first connect (restored fire state)', 45_000);
    await until(() => run!.faults.some((f) => f.fault === 'unread'), 'alarm.fire_fault unread', 15_000);
    expect(closes(lines.gate)).toBe(before);
    // The input reads clear: now the fire is over.
    lines.board.sim.setInput('fireAlarm', false);
    await lines.board.plug();
    await until(() => lines.gate.gateIs('closed'), 'gate closed once the input reads clear', 30_000);
    // The file is written after the gates are acted on, off the safety path.
    await until(() => readFileSync(join(dir, 'fire-state.json'), 'utf8').includes('"active":[]'), 'fire state saved as over');
  });

  it('a failed start (a later room cannot start) during a fire never sends close, with the board there or not', async () => {
    lines.board.sim.setInput('fireAlarm', true);
    await lines.board.plug();
    for (const boardThere of [true, false]) {
      if (!boardThere) await lines.board.unplug();
      const before = { gate: closes(lines.gate), board: closes(lines.board) };
      const hold = lines.gate.count('hold_open');
      const ctx = testContext(
        `devices:
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1, board-1] }
`,
        { dir },
      );
      // The console's port is taken: it fails once the gate has connected (and been told hold-open).
      const failing: Room = {
        name: 'console',
        start: async () => {
          await until(() => lines.gate.count('hold_open') > hold, 'hold-open before the failure', 30_000);
          throw new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080');
        },
        stop: async () => undefined,
      };
      await expect(startRooms([new DevicesRoom(ctx), failing], { bus: ctx.bus, log: ctx.log })).rejects.toThrow(/console failed to start/);
      ctx.dispose();
      expect({ gate: closes(lines.gate), board: closes(lines.board) }).toEqual(before);
      expect(lines.gate.gateIs('open')).toBe(true);
    }
    lines.board.sim.setInput('fireAlarm', false);
    await lines.board.plug();
  });

  it('the devices room starts without a database write: with BEGIN EXCLUSIVE held by another connection it starts at once', async () => {
    const ctx = testContext(
      `devices:
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1, board-1] }
`,
      { dir },
    );
    const locker = new Database(join(dir, 'gateway.db'));
    locker.exec('BEGIN EXCLUSIVE');
    let stopRoom: (() => Promise<void>) | undefined;
    try {
      const t = performance.now();
      stopRoom = await startRoom(ctx, new DevicesRoom(ctx));
      // Below SQLite's busy timeout (5 s; the former start waited that long and then failed):
      // nothing in the start waited on the lock.
      expect(performance.now() - t).toBeLessThan(4000);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
      await stopRoom?.();
      ctx.dispose();
    }
  });
});
