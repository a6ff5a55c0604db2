import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesRoom } from '../devices/room.js';
import { PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { AlarmsRoom } from './room.js';
import { act, startRoom, testContext, type TestContext } from '../../testing/context.js';
import { tempDir, until } from '../devices/testing/helpers.js';
import { Database } from '../../store/database.js';
import type { GatewayEvents } from '../../events.js';
import type { CameraSnapshots } from '../cameras/room.js';

/**
 * Acknowledging and resolving alarms against the simulators (socat ptys): a fire alarm from a
 * latching fire input ends only when the input itself reads clear, never by an acknowledgement
 * or a resolution; and with the store locked by another connection (BEGIN EXCLUSIVE), an
 * acknowledgement still silences the siren first and is recorded once the store takes writes.
 */
const noCameras: CameraSnapshots = { latestSnapshot: () => Promise.reject(new Error('no camera')) };

describe('alarm acknowledgements: they never end a fire, and never wait on the store', () => {
  const dir = tempDir('se-fire-ack-');
  // The latching post, its button wired as a fire call point (latched in until reset).
  const firePost = join(dir, 'alarm-post-fire-latching.yaml');
  writeFileSync(
    firePost,
    readFileSync(join(PROFILES_DIR, 'alarm-post-lp10-latching.yaml'), 'utf8')
      .replace('model: alarm-post-lp10-latching', 'model: alarm-post-fire-latching')
      .replace('button: { kind: button,', 'button: { kind: fire_alarm,'),
  );
  let ctx: TestContext;
  let stops: Array<() => Promise<void>> = [];
  let devices: DevicesRoom;
  const events: { kind: string; data: Record<string, unknown> }[] = [];
  const of = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.data);
  const state = async (id: string) =>
    (
      JSON.parse(((await act(ctx, 'devices/simulate', { deviceId: id, control: 'state' })) as { reply: string }).reply) as {
        state: Record<string, number>;
      }
    ).state;

  beforeAll(async () => {
    ctx = testContext(
      `
alarms: { escalateAfterS: 5 }
devices:
  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }
  - { id: fire-1, profile: ${firePost}, simulate: true, egress: [gate-1] }
  - { id: post-1, profile: alarm-post-sos200, simulate: true }
`,
      { dir },
    );
    for (const kind of ['alarm.raised', 'alarm.acknowledged', 'alarm.resolved', 'alarm.escalated', 'alarm.fire', 'gate.command'] as const)
      ctx.bus.on(kind, (d: GatewayEvents[typeof kind]) => void events.push({ kind, data: d as Record<string, unknown> }));
    devices = new DevicesRoom(ctx);
    const alarms = new AlarmsRoom(ctx, { gates: devices, devices, cameras: noCameras });
    stops = [await startRoom(ctx, devices), await startRoom(ctx, alarms)];
    await until(() => devices.list().every((d) => d.online), 'devices online', 45_000);
    await until(() => devices.list().find((d) => d.id === 'gate-1')?.heldOpen === false, 'fire input read clear');
  });
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    ctx.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a latching fire input: acknowledged and resolved, the gate stays held open until the input itself clears', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'fire-1', control: 'press button' });
    await until(() => of('alarm.raised').some((a) => a.deviceId === 'fire-1' && a.kind === 'fire'), 'fire alarm raised');
    await until(async () => (await state('gate-1')).barrier === 1, 'gate held open');
    await act(ctx, 'alarm/ack', { deviceId: 'fire-1', note: 'crew on site' });
    await act(ctx, 'alarm/resolve', { deviceId: 'fire-1' });
    await new Promise((r) => setTimeout(r, 1500));
    // No reset reached the fire input (it is still latched) and the gate is still held.
    expect((await state('fire-1')).button).toBe(1);
    expect(devices.list().find((d) => d.id === 'gate-1')?.heldOpen).toBe(true);
    expect((await state('gate-1')).barrier).toBe(1);
    await expect(act(ctx, 'gate/command', { gateId: 'gate-1', command: 'close' })).rejects.toThrow(/held open by a fire alarm/);
    expect(of('gate.command').filter((c) => c.deviceId === 'fire-1' && c.command === 'reset')).toEqual([]);
    // The fire panel resets the input: now, and only now, the fire is over.
    await act(ctx, 'devices/simulate', { deviceId: 'fire-1', control: 'release button' });
    await until(async () => (await state('gate-1')).barrier === 0, 'gate closed after the input cleared', 10_000);
  });

  it('with another connection holding BEGIN EXCLUSIVE on the database, an acknowledgement still silences the siren', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'post-1', control: 'press button' });
    await until(() => of('alarm.escalated').some((a) => a.deviceId === 'post-1'), 'escalated (siren on)', 15_000);
    await until(async () => (await state('post-1')).sirenOn === 1, 'siren on');
    const locker = new Database(join(dir, 'gateway.db'));
    locker.exec('BEGIN EXCLUSIVE');
    let ack: Promise<unknown> | undefined;
    try {
      ack = act(ctx, 'alarm/ack', { deviceId: 'post-1' });
      await ack;
      await until(async () => (await state('post-1')).sirenOn === 0, 'siren off while the store is locked', 20_000);
      expect(of('alarm.acknowledged').some((a) => a.deviceId === 'post-1')).toBe(true);
      // The store says it is degraded once the lock has lasted 5 s (gateway/core/publisher.ts).
      await until(() => ctx.events.status().degraded, 'store degraded while locked', 15_000);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    // Recorded once the store takes writes again.
    await until(
      () => {
        ctx.events.retryHeld();
        return (
          ctx.db.prepare<{ n: number }>("SELECT COUNT(*) AS n FROM alarms WHERE device_id = 'post-1' AND state = 'acknowledged'").get()
            ?.n === 1
        );
      },
      'acknowledgement recorded after the lock',
      30_000,
    );
  });
});
