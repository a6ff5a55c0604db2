import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesRoom } from '../devices/room.js';
import { AlarmsRoom } from './room.js';
import { act, startRoom, testContext, type TestContext } from '../../testing/context.js';
import { until } from '../devices/testing/helpers.js';
import type { GatewayEvents } from '../../events.js';
import type { CameraSnapshots } from '../cameras/room.js';

/**
 * The alarm life cycle on real simulated posts (socat ptys, the project's simulator): a
 * momentary post, a latching one, and a relay board's tamper loop.
 */
const CONFIG = `
alarms: { escalateAfterS: 5 }
devices:
  - { id: post-1, profile: alarm-post-sos200, simulate: true, name: North post }
  - { id: post-2, profile: alarm-post-lp10-latching, simulate: true, name: South post }
  - { id: board-1, profile: relay-board-4ch-modbus, simulate: true }
`;
/** No camera is linked in this test: the picture path runs in the daemon end-to-end tests. */
const noCameras: CameraSnapshots = { latestSnapshot: () => Promise.reject(new Error('no camera')) };

type Alarm = {
  alarmId: string;
  deviceId: string;
  kind: string;
  state: string;
  presses: number;
  severity: string;
  acknowledgedBy?: string;
  note?: string;
};

describe('alarms: raised, acknowledged, resolved', () => {
  let ctx: TestContext;
  let opened = false;
  let devices: DevicesRoom;
  let stops: Array<() => Promise<void>> = [];
  const events: Array<{ kind: string; data: Record<string, unknown> }> = [];
  const post = async (id: string) =>
    (
      JSON.parse(((await act(ctx, 'devices/simulate', { deviceId: id, control: 'state' })) as { reply: string }).reply) as {
        state: Record<string, number>;
      }
    ).state;
  const list = async (all = false) => ((await act(ctx, 'alarm/list', { all })) as { alarms: Alarm[] }).alarms;
  const of = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.data);

  async function startRooms(): Promise<void> {
    if (opened) ctx.dispose();
    ctx = testContext(CONFIG, { dir });
    opened = true;
    for (const kind of ['alarm.raised', 'alarm.acknowledged', 'alarm.resolved', 'alarm.escalated'] as const)
      ctx.bus.on(kind, (d: GatewayEvents[typeof kind]) => void events.push({ kind, data: d as Record<string, unknown> }));
    devices = new DevicesRoom(ctx);
    const alarms = new AlarmsRoom(ctx, { gates: devices, devices, cameras: noCameras });
    stops = [await startRoom(ctx, devices), await startRoom(ctx, alarms)];
    await until(() => ['post-1', 'post-2', 'board-1'].every((id) => devices.device(id)?.online), 'posts online', 45_000);
  }
  async function stopRooms(): Promise<void> {
    for (const s of stops.reverse()) await s();
    stops = [];
  }

  // A restart is a new context (database, bus, actions) on the same data folder.
  const dir = mkdtempSync(join(tmpdir(), 'alarms-'));
  beforeAll(() => startRooms());
  afterAll(async () => {
    await stopRooms();
    if (opened) ctx.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a press raises one alarm and lights the strobe; bouncing presses are the same alarm; after the acknowledgement the next press is a new alarm', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'post-1', control: 'press button' });
    await until(() => of('alarm.raised').length === 1, 'alarm raised');
    expect(of('alarm.raised')[0]).toMatchObject({ deviceId: 'post-1', kind: 'panic', severity: 'normal', name: 'North post' });
    await until(async () => (await post('post-1')).strobeOn === 1, 'strobe on');
    // Two more presses while nobody answered: the same alarm.
    for (let i = 0; i < 2; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await act(ctx, 'devices/simulate', { deviceId: 'post-1', control: 'press button' });
    }
    await until(async () => (await list())[0]?.presses === 3, 'presses counted');
    await until(async () => (await post('post-1')).button === 0, 'the button sprang back');
    expect(of('alarm.raised')).toHaveLength(1);

    const [open] = await list();
    const acked = (await act(ctx, 'alarm/ack', { alarmId: open!.alarmId, note: 'on my way' })) as Alarm;
    expect(acked).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'test' });
    expect(of('alarm.acknowledged')[0]).toMatchObject({ alarmId: open!.alarmId, by: 'test', origin: 'cli', note: 'on my way' });
    await until(async () => (await post('post-1')).strobeOn === 0, 'strobe off');
    await expect(act(ctx, 'alarm/ack', { alarmId: open!.alarmId })).rejects.toThrow(/already acknowledged by test/);

    await act(ctx, 'devices/simulate', { deviceId: 'post-1', control: 'press button' });
    await until(() => of('alarm.raised').length === 2, 'second alarm raised');
    expect(of('alarm.raised')[1]!.alarmId).not.toBe(open!.alarmId);
  });

  it('open alarms survive a restart: the one waiting is still listed and can be acknowledged and resolved', async () => {
    const waiting = (await list()).find((a) => a.state === 'raised')!;
    await stopRooms();
    await startRooms();
    const after = await list();
    expect(after.map((a) => [a.alarmId, a.state])).toContainEqual([waiting.alarmId, 'raised']);
    await act(ctx, 'alarm/ack', { deviceId: 'post-1' }); // by post: its oldest open alarm
    for (const a of await list()) await act(ctx, 'alarm/resolve', { alarmId: a.alarmId, note: 'false alarm, child pressed it' });
    expect(await list()).toEqual([]);
    const resolved = await list(true);
    expect(resolved.length).toBeGreaterThanOrEqual(2);
    expect(resolved.every((a) => a.state === 'resolved' && a.note === 'false alarm, child pressed it')).toBe(true);
    expect(of('alarm.resolved').length).toBeGreaterThanOrEqual(2);
  });

  it('a latching button stays in until the acknowledgement resets it', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'post-2', control: 'press button' });
    await until(() => of('alarm.raised').some((a) => a.deviceId === 'post-2'), 'post-2 alarm');
    await new Promise((r) => setTimeout(r, 800)); // longer than a momentary press
    expect((await post('post-2')).button).toBe(1);
    await act(ctx, 'alarm/ack', { deviceId: 'post-2' });
    await until(async () => (await post('post-2')).button === 0, 'button reset by the gateway');
    await act(ctx, 'alarm/resolve', { deviceId: 'post-2' });
  });

  it('nobody answers: the alarm escalates with the siren on', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'post-1', control: 'press button' });
    await until(() => of('alarm.escalated').length === 1, 'escalated', 15_000);
    expect(of('alarm.escalated')[0]).toMatchObject({ deviceId: 'post-1', severity: 'high', afterS: 5 });
    await until(async () => (await post('post-1')).sirenOn === 1, 'siren on');
    expect((await list()).find((a) => a.deviceId === 'post-1')).toMatchObject({ severity: 'high', state: 'raised' });
    await act(ctx, 'alarm/resolve', { deviceId: 'post-1', note: 'checked' });
    await until(async () => (await post('post-1')).sirenOn === 0, 'siren off');
  });

  it('a tamper input raises its own alarm', async () => {
    await act(ctx, 'devices/simulate', { deviceId: 'board-1', control: 'hold tamper' });
    await until(() => of('alarm.raised').some((a) => a.deviceId === 'board-1' && a.kind === 'tamper'), 'tamper alarm');
    await act(ctx, 'devices/simulate', { deviceId: 'board-1', control: 'release tamper' });
    await act(ctx, 'alarm/resolve', { deviceId: 'board-1', note: 'housing closed' });
  });
});
