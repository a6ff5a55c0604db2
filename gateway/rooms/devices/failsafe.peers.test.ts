import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { DevicesRoom, type GateResult } from './room.js';
import { act, startRoom, testContext } from '../../testing/context.js';
import { until } from './testing/helpers.js';
import type { GatewayEvents } from '../../events.js';

/**
 * Fail-safe races found by `npm run -s bench -- faults` (egress), against the simulators on socat
 * ptys: commands accepted before a fire alarm was seen but still waiting for their turn on the
 * line must not reach a gate the alarm now holds open.
 */
describe('fail-safe: commands queued before a fire alarm', () => {
  const ctx = testContext(`
devices:
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true, egress: [gate-1] }
`);
  let room: DevicesRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  const fires: GatewayEvents['alarm.fire'][] = [];
  ctx.bus.on('alarm.fire', (p) => void fires.push(p));
  const sim = (deviceId: string, control: string) => act(ctx, 'devices/simulate', { deviceId, control });

  beforeAll(async () => {
    room = new DevicesRoom(ctx);
    stopRoom = await startRoom(ctx, room);
    await until(() => room.list().every((d) => d.online), 'devices online', 45_000);
  });
  afterAll(async () => {
    await stopRoom?.();
    ctx.dispose();
  });

  it('a close waiting behind slow exchanges is refused once the fire alarm holds the gate, never sent', async () => {
    // The barrier answers every frame 200 ms late: six opens keep its line busy for ~1.2 s, longer
    // than the fire contact's 500 ms debounce.
    await sim('gate-1', 'delay 200');
    await sim('board-1', 'hold fireAlarm');
    const opens = Array.from({ length: 6 }, () => room.run('gate-1', 'open', { origin: 'cli' }));
    const close = room.run('gate-1', 'close', { origin: 'cli' });
    await until(() => fires.some((f) => f.active), 'fire alarm seen', 5000);
    const r: GateResult = await close;
    await Promise.all(opens);
    expect(r).toMatchObject({ ok: false, error: 'refused-by-policy' });
    expect(r.refused).toMatch(/held open by a fire alarm/);
    await sim('gate-1', 'delay 0');
    const state = JSON.parse(((await sim('gate-1', 'state')) as { reply: string }).reply) as { state: Record<string, number> };
    expect(state.state.barrier).toBe(1); // open
    await sim('board-1', 'release fireAlarm');
  });
});

/** The barrier's profile, edited: `drop` removes whole command blocks and single lines. */
function barrierVariant(dir: string, model: string, drop: { commands?: string[]; lines?: RegExp }): string {
  const lines = readFileSync(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'), 'utf8').split('\n');
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const cmd = /^ {2}([a-z_-]+):$/.exec(line)?.[1];
    if (cmd !== undefined || /^\S/.test(line)) skipping = cmd !== undefined && (drop.commands ?? []).includes(cmd);
    if (drop.lines?.test(line)) continue;
    if (!skipping) out.push(line.startsWith('model:') ? `model: ${model}` : line);
  }
  const file = join(dir, `${model}.yaml`);
  writeFileSync(file, out.join('\n'));
  return file;
}

describe('fail-safe: gates the gateway cannot read, or that have no hold-open', () => {
  const dir = mkdtempSync(join(tmpdir(), 'se-failsafe-'));
  // Its status reply carries the loops, not the arm's position (a controller with no position switch).
  const blind = barrierVariant(dir, 'barrier-blind', { lines: /^ {6}- \{ name: barrier, type: u8 \}$/ });
  const noHold = barrierVariant(dir, 'barrier-no-hold', { commands: ['hold_open'] });
  const ctx = testContext(`
devices:
  - { id: blind-1, profile: ${blind}, simulate: true }
  - { id: nohold-1, profile: ${noHold}, simulate: true }
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true, egress: [blind-1, nohold-1] }
`);
  let room: DevicesRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  const commands: GatewayEvents['gate.command'][] = [];
  ctx.bus.on('gate.command', (p) => void commands.push(p));
  const sim = (deviceId: string, control: string) => act(ctx, 'devices/simulate', { deviceId, control });
  const barrier = async (deviceId: string) =>
    (JSON.parse(((await sim(deviceId, 'state')) as { reply: string }).reply) as { state: Record<string, number> }).state.barrier;

  beforeAll(async () => {
    room = new DevicesRoom(ctx);
    stopRoom = await startRoom(ctx, room);
    await until(() => room.list().every((d) => d.online), 'devices online', 45_000);
    await sim('board-1', 'hold fireAlarm');
  });
  afterAll(async () => {
    await sim('board-1', 'release fireAlarm').catch(() => undefined);
    await stopRoom?.();
    ctx.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a gate without hold-open is opened (not answered "already open") when a fire alarm holds it', async () => {
    await until(async () => (await barrier('nohold-1')) === 1, 'nohold-1 opened by the fire alarm', 5000);
    // The simulator moves the arm before its acknowledgement reaches the gateway: the command's
    // record follows the movement, it does not precede it.
    const opened = (c: GatewayEvents['gate.command']) =>
      c.deviceId === 'nohold-1' && c.origin === 'fail_safe' && c.command === 'open' && c.ok && !c.note;
    await until(() => commands.some(opened), 'the fail-safe open recorded as sent and acknowledged', 5000);
    expect(commands.filter((c) => c.deviceId === 'nohold-1' && c.note)).toEqual([]);
  });

  it('a gate whose position cannot be read, closed behind the gateway, is open again within the 3 s grace', async () => {
    await until(async () => (await barrier('blind-1')) === 1, 'blind-1 held open', 5000);
    // Right after a periodic re-assert, the controller closes by itself and says nothing.
    const n = commands.length;
    await until(() => commands.slice(n).some((c) => c.deviceId === 'blind-1' && c.origin === 'fail_safe'), 'a re-assert', 10_000);
    await sim('blind-1', 'set barrier 0');
    const t0 = performance.now();
    await until(async () => (await barrier('blind-1')) === 1, 'blind-1 open again', 10_000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
