import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesRoom } from './room.js';
import { act as runAction, startRoom, testContext } from '../../testing/context.js';
import { until } from './testing/helpers.js';
import { eventSchema } from '../../events.js';
import { ActionError } from '../../core/actions.js';
import type { GatewayEvents } from '../../events.js';

/**
 * The devices room end to end: simulated devices on socat ptys started by the room itself,
 * actions, fail-safe, and what lands in the outbox (validated against the event contracts).
 */
describe('devices room with simulated devices', () => {
  const ctx = testContext(`
devices:
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }
  - { id: alarm-1, profile: alarm-post-sos200, simulate: true, camera: cam-1, name: North post }
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true, egress: [gate-1, board-1] }
`);
  let room: DevicesRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  const seen: { [K in keyof GatewayEvents]?: GatewayEvents[K][] } = {};
  for (const k of ['device.online', 'gate.command', 'gate.mismatch', 'alarm.fire', 'gate.state', 'device.input'] as const) {
    ctx.bus.on(k, (p) => {
      ((seen[k] ??= []) as unknown[]).push(p);
    });
  }
  const act = (name: string, input: unknown) => runAction(ctx, name, input);
  const outbox = () => {
    ctx.events.flush();
    return ctx.outbox.takeBatch(10_000).map((r) => ({ kind: r.kind, data: r.data as Record<string, unknown> }));
  };

  beforeAll(async () => {
    room = new DevicesRoom(ctx);
    stopRoom = await startRoom(ctx, room);
    await until(() => (seen['device.online']?.length ?? 0) >= 3, 'three devices online', 45_000);
  });
  afterAll(async () => {
    await stopRoom?.();
    ctx.dispose();
  });

  it('a gate that comes online is closed (fail-safe) and the result recorded', async () => {
    await until(
      () => (seen['gate.command'] ?? []).some((c) => c.deviceId === 'gate-1' && c.origin === 'fail_safe' && c.command === 'close' && c.ok),
      'fail-safe close',
    );
    expect(outbox().some((e) => e.kind === 'device.online' && e.data.deviceId === 'gate-1' && e.data.simulated === true)).toBe(true);
  });

  it('gate/open opens the gate and records a never-dropped gate.command', async () => {
    const r = (await act('gate/open', { gateId: 'gate-1' })) as { ok: boolean; gateState: string };
    expect(r).toMatchObject({ ok: true, gateState: 'open' });
    const ev = outbox().filter((e) => e.kind === 'gate.command' && e.data.origin === 'cli');
    expect(ev.at(-1)?.data).toMatchObject({ deviceId: 'gate-1', command: 'open', ok: true });
    expect(
      ctx.db
        .prepare<{ n: number }>("SELECT COUNT(*) AS n FROM gate_commands WHERE device_id = 'gate-1' AND command = 'open' AND ok = 1")
        .get()?.n,
    ).toBeGreaterThan(0);
  });

  it('refuses unknown gates and unsupported commands readably', async () => {
    await expect(act('gate/open', { gateId: 'nope' })).rejects.toThrow(/no device "nope"/);
    await expect(act('gate/command', { gateId: 'alarm-1', command: 'open' })).rejects.toBeInstanceOf(ActionError);
  });

  it('a momentary button press is one debounced press and its release, the same on the bus and in the outbox', async () => {
    const before = (seen['device.input'] ?? []).filter((i) => i.deviceId === 'alarm-1').length;
    await act('devices/simulate', { deviceId: 'alarm-1', control: 'press button' });
    // The simulated finger lets go by itself (a momentary button springs back).
    await until(() => (seen['device.input'] ?? []).filter((i) => i.deviceId === 'alarm-1').length >= before + 2, 'press and release');
    const mine = (seen['device.input'] ?? []).filter((i) => i.deviceId === 'alarm-1').slice(before);
    expect(mine.map((i) => [i.input, i.active])).toEqual([
      ['button', true],
      ['button', false],
    ]);
    const rows = outbox().filter((e) => e.kind === 'device.input' && e.data.deviceId === 'alarm-1');
    expect(rows.slice(-2).map((r) => r.data)).toEqual(mine);
  });

  it('a fire-alarm input holds its egress gate open and refuses to close it until it clears', async () => {
    const from = seen['gate.command']?.length ?? 0;
    await act('devices/simulate', { deviceId: 'board-1', control: 'press fireAlarm' });
    await until(
      () => (seen['gate.command'] ?? []).slice(from).some((c) => c.deviceId === 'gate-1' && c.command === 'hold_open' && c.ok),
      'egress hold-open',
    );
    expect(seen['alarm.fire']?.[0]).toMatchObject({ deviceId: 'board-1', active: true, egress: ['gate-1', 'board-1'] });
    await expect(act('gate/command', { gateId: 'gate-1', command: 'close' })).rejects.toThrow(/held open by a fire alarm/);
    await act('devices/simulate', { deviceId: 'board-1', control: 'release fireAlarm' });
    await until(
      () =>
        (seen['gate.command'] ?? []).some(
          (c) =>
            c.deviceId === 'gate-1' && c.command === 'close' && c.origin === 'fail_safe' && c.ok && (seen['alarm.fire']?.length ?? 0) >= 2,
        ),
      'close after clear',
    );
  });

  it('hold-open wins over everything: a pulse in progress, an open, and a relay that switched off by itself', async () => {
    const relay = async () =>
      (
        JSON.parse(((await act('devices/simulate', { deviceId: 'board-1', control: 'state' })) as { reply: string }).reply) as {
          state: Record<string, number>;
        }
      ).state.relay1;
    // A pulse started before the fire alarm: its release timer must not switch the strike off.
    await act('gate/command', { gateId: 'board-1', command: 'pulse', arg: 800 });
    expect(await relay()).toBe(1);
    await act('devices/simulate', { deviceId: 'board-1', control: 'press fireAlarm' });
    await until(() => room.device('board-1') !== undefined && (seen['alarm.fire'] ?? []).some((f) => f.active), 'fire alarm seen');
    await new Promise((r) => setTimeout(r, 1500)); // well past the pulse's 800 ms
    expect(await relay()).toBe(1);
    // An open at a held gate (a resident at the door, the open button) is answered, not sent:
    // it would start the controller's auto-close.
    const sentBefore = room.device('gate-1')!.snapshot().commands.sent;
    expect(await act('gate/open', { gateId: 'gate-1' })).toMatchObject({ ok: true });
    expect(room.device('gate-1')!.snapshot().commands.sent).toBe(sentBefore);
    await expect(act('gate/command', { gateId: 'board-1', command: 'release' })).rejects.toMatchObject({ code: 'refused' });
    // The relay switched off behind the gateway's back: the poll sees it, the gateway reports the
    // mismatch and opens it again.
    await act('devices/simulate', { deviceId: 'board-1', control: 'set relay1 false' });
    await until(() => (seen['gate.mismatch'] ?? []).some((m) => m.deviceId === 'board-1' && m.actual === 'closed'), 'mismatch reported');
    await until(async () => (await relay()) === 1, 'relay on again', 10_000);
    await act('devices/simulate', { deviceId: 'board-1', control: 'release fireAlarm' });
    await until(async () => (await relay()) === 0, 'strike closed once the fire alarm cleared', 10_000);
  });

  it('relay board pulse: the coil goes on and comes back off by itself', async () => {
    await act('gate/command', { gateId: 'board-1', command: 'pulse', arg: 300 });
    await until(() => (seen['gate.state'] ?? []).some((s) => s.deviceId === 'board-1' && s.state === 'open'), 'relay on');
    await until(() => room.device('board-1')?.gateState === 'closed', 'relay back off');
    await expect(act('gate/command', { gateId: 'board-1', command: 'pulse', arg: 50 })).rejects.toThrow(/outside 100..10000 ms/);
  });

  it('run() answers with the requestId in gate.command, and refuses an unknown gate readably', async () => {
    await room.run('gate-1', 'open', { origin: 'access', requestId: 'r-1' });
    await until(() => (seen['gate.command'] ?? []).some((c) => c.requestId === 'r-1' && c.ok), 'r-1 answered');
    await expect(room.run('nope', 'open', { origin: 'access', requestId: 'r-2' })).rejects.toThrow(/no device "nope"/);
  });

  it('devices/list shows every device with its state', async () => {
    const r = (await act('devices/list', {})) as { devices: { id: string; online: boolean; model: string }[] };
    expect(r.devices.map((d) => d.id).sort()).toEqual(['alarm-1', 'board-1', 'gate-1']);
    expect(r.devices.every((d) => d.online)).toBe(true);
  });

  it('every outbox event matches its published contract', () => {
    const all = outbox();
    expect(all.length).toBeGreaterThan(5);
    for (const e of all) {
      const schema = eventSchema(e.kind);
      expect(schema, e.kind).toBeDefined();
      expect(() => schema!.parse(e.data), `${e.kind} ${JSON.stringify(e.data)}`).not.toThrow();
    }
  });
});
