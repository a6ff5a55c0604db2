import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesRoom, type GateResult } from './room.js';
import { act, startRoom, testContext } from '../testing/context.js';
import { until } from './test/helpers.js';
import type { GatewayEvents } from '../core/events.js';

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
