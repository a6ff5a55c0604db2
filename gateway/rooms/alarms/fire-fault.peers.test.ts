import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevicesRoom } from '../devices/room.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { AlarmsRoom } from './room.js';
import { act, startRoom, testContext, type TestContext } from '../../testing/context.js';
import { tempDir, until } from '../devices/testing/helpers.js';
import { openSimLine, type SimLine } from '../devices/testing/sim-line.js';
import type { GatewayEvents } from '../../events.js';
import type { CameraSnapshots } from '../cameras/room.js';

/**
 * A fire input the gateway cannot read (alarm.fire_fault) is an entry of the alarms list, against
 * the project's simulators on socat ptys that outlive the gateway: a relay board (the fire input)
 * and a barrier it holds open. Acknowledging the entry never ends the fault nor the hold-open, a
 * responder cannot resolve it, and it resolves itself once the input reads clear: after the board
 * is plugged in, also across a restart (read before any fault is reported), and after the board
 * went offline while running.
 */
const board = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
const barrier = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));
const noCameras: CameraSnapshots = { latestSnapshot: () => Promise.reject(new Error('no camera')) };
const closes = (l: SimLine) => l.count('close') + l.count('release');

interface Listed {
  alarmId: string;
  deviceId: string;
  input: string;
  kind: string;
  state: string;
  severity: string;
  resolvedBy?: string;
}

describe('alarm.fire_fault as an entry of the alarms list (simulators on ptys)', () => {
  const dir = tempDir('se-fire_fault-alarm-');
  let lines: { board: SimLine; gate: SimLine };
  let ctx: TestContext | undefined;
  let devices: DevicesRoom;
  let stops: Array<() => Promise<void>> = [];
  const events: { kind: string; data: Record<string, unknown> }[] = [];
  const of = (kind: string) => events.filter((e) => e.kind === kind).map((e) => e.data);
  const list = async (all = false) => ((await act(ctx!, 'alarm/list', { all })) as { alarms: Listed[] }).alarms;
  const faultsListed = async () => (await list()).filter((a) => a.kind === 'fire_fault');

  async function start(): Promise<void> {
    ctx = testContext(
      `devices:
  - { id: gate-1, profile: barrier-bg300-framed, port: ${lines.gate.gatewaySide} }
  - { id: board-1, profile: relay-board-4ch-modbus, port: ${lines.board.gatewaySide}, egress: [gate-1] }
`,
      { dir },
    );
    for (const kind of ['alarm.raised', 'alarm.acknowledged', 'alarm.resolved', 'alarm.fire_fault'] as const)
      ctx.bus.on(kind, (d: GatewayEvents[typeof kind]) => void events.push({ kind, data: d as Record<string, unknown> }));
    devices = new DevicesRoom(ctx);
    const alarms = new AlarmsRoom(ctx, { gates: devices, devices, cameras: noCameras });
    stops = [await startRoom(ctx, devices), await startRoom(ctx, alarms)];
  }
  async function stop(): Promise<void> {
    for (const s of stops.reverse()) await s();
    stops = [];
    ctx?.dispose();
    ctx = undefined;
  }

  beforeAll(async () => {
    lines = {
      board: await openSimLine({ id: 'board-1', profile: board, dir, plugged: false }),
      gate: await openSimLine({ id: 'gate-1', profile: barrier, dir }),
    };
  });
  afterAll(async () => {
    await stop().catch(() => undefined);
    await lines.board.stop();
    await lines.gate.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('unread at start: listed, acknowledged without ending the fault or the hold-open, not resolvable by a responder, resolved by the input (across a restart)', async () => {
    await start();
    await until(() => lines.gate.gateIs('open'), 'barrier held open while the fire input is unread', 45_000);
    await until(async () => (await faultsListed()).length === 1, 'fire input fault listed', 20_000);
    const [entry] = await faultsListed();
    expect(entry).toMatchObject({ deviceId: 'board-1', input: 'fireAlarm', state: 'raised', severity: 'high' });
    expect(of('alarm.raised')).toContainEqual(expect.objectContaining({ alarmId: entry!.alarmId, kind: 'fire_fault' }));

    const acked = (await act(ctx!, 'alarm/ack', { alarmId: entry!.alarmId, note: 'electrician called' })) as Listed;
    expect(acked.state).toBe('acknowledged');
    await expect(act(ctx!, 'alarm/resolve', { alarmId: entry!.alarmId })).rejects.toThrow(/resolves itself when board-1\/fireAlarm reads/);
    const gateCloses = closes(lines.gate);
    await new Promise((r) => setTimeout(r, 2000));
    // Still listed, still held open, no close sent: the acknowledgement ended nothing.
    expect((await faultsListed()).map((a) => [a.alarmId, a.state])).toEqual([[entry!.alarmId, 'acknowledged']]);
    expect(devices.list().find((d) => d.id === 'gate-1')?.heldOpen).toBe(true);
    expect(lines.gate.gateIs('open')).toBe(true);
    expect(closes(lines.gate)).toBe(gateCloses);
    expect(of('alarm.resolved')).toEqual([]);

    // A restart with the fault still open; the board is there this time and reads clear at once,
    // before any fault is reported: the entry from before the restart resolves itself.
    await stop();
    await lines.board.plug();
    await start();
    await until(() => of('alarm.resolved').some((r) => r.alarmId === entry!.alarmId), 'the fault from before the restart resolved', 45_000);
    expect(of('alarm.resolved').find((r) => r.alarmId === entry!.alarmId)).toMatchObject({
      by: 'system',
      origin: 'system',
      kind: 'fire_fault',
    });
    expect(await faultsListed()).toEqual([]);
    expect((await list(true)).find((a) => a.alarmId === entry!.alarmId)).toMatchObject({ state: 'resolved', resolvedBy: 'system' });
    await until(() => lines.gate.gateIs('closed'), 'barrier closed once the fire input reads clear', 20_000);
  });

  it('offline while running: a new entry, resolved when the board answers again and reads clear', async () => {
    await until(() => devices.list().every((d) => d.online), 'devices online', 45_000);
    const before = of('alarm.raised').length;
    await lines.board.unplug();
    await until(() => of('alarm.fire_fault').some((f) => f.fault === 'offline'), 'alarm.fire_fault offline', 30_000);
    await until(async () => (await faultsListed()).length === 1, 'offline fault listed');
    const [entry] = await faultsListed();
    expect(of('alarm.raised').length).toBe(before + 1);
    await until(() => lines.gate.gateIs('open'), 'barrier held open while the board is offline', 15_000);
    await act(ctx!, 'alarm/ack', { deviceId: 'board-1' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(lines.gate.gateIs('open')).toBe(true);

    await lines.board.plug();
    await until(() => of('alarm.resolved').some((r) => r.alarmId === entry!.alarmId), 'offline fault resolved once read again', 45_000);
    expect(await faultsListed()).toEqual([]);
    await until(() => lines.gate.gateIs('closed'), 'barrier closed again', 20_000);
  });
});
