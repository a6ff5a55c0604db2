import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { DevicesRoom, type GateResult } from './room.js';
import { MAX_WAITING } from './session.js';
import { startRoom, testContext } from '../../testing/context.js';
import { tempDir, until } from './testing/helpers.js';
import { openSimLine, type SimLine } from './testing/sim-line.js';
import type { GatewayEvents } from '../../events.js';

/**
 * A held egress gate that stops answering during a fire (simulators on socat ptys): it goes
 * offline within the heartbeat promise, hold-open re-asserts and retries coalesce instead of
 * piling up (each costs 3 × 500 ms against a silent barrier), its queue is bounded, and the other
 * devices' commands and heartbeats run as before.
 */
const board = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
const barrier = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));

describe('a silent gate held open during a fire', () => {
  const dir = tempDir('se-silent-gate-');
  const ctx = testContext(
    `devices:
  - { id: gate-1, profile: barrier-bg300-framed, port: ${join(dir, 'gate-1.gw')} }
  - { id: gate-2, profile: barrier-bg300-framed, port: ${join(dir, 'gate-2.gw')} }
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${join(dir, 'board-1.gw')}, egress: [gate-1] }
`,
    { dir },
  );
  const lines: Record<string, SimLine> = {};
  let room: DevicesRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  const commands: (GatewayEvents['gate.command'] & { at: number })[] = [];
  const offline: (GatewayEvents['device.offline'] & { at: number })[] = [];
  ctx.bus.on('gate.command', (p) => void commands.push({ ...p, at: performance.now() }));
  ctx.bus.on('device.offline', (p) => void offline.push({ ...p, at: performance.now() }));

  beforeAll(async () => {
    lines.board = await openSimLine({ id: 'board-1', profile: board, dir });
    lines.gate1 = await openSimLine({ id: 'gate-1', profile: barrier, dir });
    lines.gate2 = await openSimLine({ id: 'gate-2', profile: barrier, dir });
    room = new DevicesRoom(ctx);
    stopRoom = await startRoom(ctx, room);
    await until(() => room.list().every((d) => d.online), 'devices online', 45_000);
    // At start the fire input is unknown (gate-1 held open) until the board is first read: no
    // fire, so the fail-safe closes gate-1. Wait for that close to be answered before the fire
    // starts, or it is still on the line when the test silences the gate (and retried there).
    await until(() => lines.gate1!.count('close') >= 1 && lines.gate1!.gateIs('closed'), 'gate-1 closed after the first read', 10_000);
    await until(() => room.list().find((d) => d.id === 'gate-1')?.heldOpen === false, 'gate-1 not held before the fire', 10_000);
    lines.board!.sim.setInput('fireAlarm', true);
    await until(() => lines.gate1!.gateIs('open'), 'gate-1 held open for the fire', 10_000);
    await until(() => room.list().find((d) => d.id === 'gate-1')?.heldOpen === true, 'gate-1 held for the fire', 10_000);
  });
  afterAll(async () => {
    await stopRoom?.();
    ctx.dispose();
    for (const l of Object.values(lines)) await l.stop();
  });

  it('goes offline within the heartbeat promise; retries coalesce; the queue is bounded; the other devices go on', async () => {
    const t0 = performance.now();
    const from = commands.length;
    const closes = lines.gate1!.count('close');
    lines.gate1!.sim.silent = true;
    // A flood of requests to the silent gate: beyond what its line may queue, refused at once.
    const flood = Promise.all(Array.from({ length: MAX_WAITING + 20 }, () => room.run('gate-1', 'status', { origin: 'cli' })));
    // The other gate answers as usual meanwhile, the board keeps being polled.
    const others: GateResult[] = [];
    for (let i = 0; i < 6; i++) {
      others.push(await room.run('gate-2', i % 2 ? 'close' : 'open', { origin: 'cli' }));
      await new Promise((r) => setTimeout(r, 300));
    }
    await until(() => offline.some((o) => o.deviceId === 'gate-1'), 'gate-1 offline', 15_000);
    const offlineAfter = (offline.find((o) => o.deviceId === 'gate-1')?.at ?? Infinity) - t0;
    // The promise: misses x (heartbeat period + status timeout) + one fail-safe command's full
    // time = 2 x (1000 + 300) + 1500 = 4.1 s; 1.9 s more for a loaded test machine.
    expect(offlineAfter).toBeLessThan(6000);
    const flooded = await flood;
    // One on the line, MAX_WAITING waiting: the 19 others refused at once ('busy').
    expect(flooded.filter((r) => r.error === 'busy').length).toBeGreaterThanOrEqual(19);
    expect(others.every((r) => r.ok)).toBe(true);
    expect(offline.filter((o) => o.deviceId !== 'gate-1')).toEqual([]);

    // Ten more seconds of silence: hold-open keeps being tried, one at a time, never piling up.
    await new Promise((r) => setTimeout(r, 10_000));
    const failSafe = commands.slice(from).filter((c) => c.deviceId === 'gate-1' && c.origin === 'fail_safe');
    expect(failSafe.length).toBeGreaterThan(3);
    // A queue that grew would show as ever longer waits; each try is its own 3 x 500 ms at most.
    expect(Math.max(...failSafe.map((c) => c.ms))).toBeLessThan(2500);
    expect(room.list().find((d) => d.id === 'board-1')?.online).toBe(true);
    expect((await room.run('gate-2', 'open', { origin: 'cli' })).ok).toBe(true);

    // It answers again: online, held open, and no backlog of stale commands drained into it.
    const n = lines.gate1!.requests.length;
    lines.gate1!.sim.silent = false;
    await until(() => room.list().find((d) => d.id === 'gate-1')?.online === true, 'gate-1 online again', 15_000);
    await new Promise((r) => setTimeout(r, 1000));
    const burst = lines.gate1!.requests.slice(n).filter((r) => r.command === 'hold_open').length;
    expect(burst).toBeLessThanOrEqual(4);
    expect(lines.gate1!.gateIs('open')).toBe(true);
    expect(lines.gate1!.count('close')).toBe(closes);
  });
});
