import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { startPtyPair, type PtyPair } from './sim/pty-pair.js';
import { startSimulator, type SimulatorProcess } from './sim/launcher.js';
import { recordingObserver, serialDevice, tempDir, until } from './testing/helpers.js';
import type { Device } from './device.js';

/** The framed-serial driver against the project's simulator on a real socat pty pair. */
describe('framed barrier over a socat pty with the simulator', () => {
  const dir = tempDir();
  const gw = join(dir, 'gw');
  const dev = join(dir, 'dev');
  const file = join(PROFILES_DIR, 'barrier-bg300-framed.yaml');
  const profile = loadProfileFile(file);
  let pty: PtyPair;
  let sim: SimulatorProcess;
  let device: Device;
  const { observer, rec } = recordingObserver();

  beforeAll(async () => {
    pty = await startPtyPair({ gatewaySide: gw, deviceSide: dev });
    sim = await startSimulator({ profileFile: file, port: dev });
    device = serialDevice({ id: 'gate-1', profile, path: gw, observer, heartbeatMs: 200 });
    device.start();
    await until(() => device.online, 'device online');
  });
  afterAll(async () => {
    await device?.stop();
    await sim?.stop();
    await pty?.stop();
  });

  it('opens and closes the gate with acknowledgements, and tracks the position', async () => {
    const r = await device.command('open');
    expect(r).toMatchObject({ ok: true, attempts: 1 });
    expect(device.gateState).toBe('open');
    expect((await device.command('close')).ok).toBe(true);
    expect(rec.gate).toContain('open');
    expect(device.gateState).toBe('closed');
  });

  it('sends the scaled pulse width to the device', async () => {
    expect((await device.command('pulse', 7000)).ok).toBe(true);
    const state = JSON.parse(await sim.control('state')) as { state: Record<string, number> };
    expect(state.state.openTime).toBe(70);
  });

  it('a loop change on the device becomes one debounced input event', async () => {
    expect(await sim.control('press loopA')).toBe('ok');
    await until(() => rec.inputs.some((i) => i.input === 'loopA' && i.active), 'loopA active');
    expect(rec.inputs.find((i) => i.input === 'loopA')?.kind).toBe('vehicle_loop');
    await sim.control('release loopA');
    await until(() => rec.inputs.some((i) => i.input === 'loopA' && !i.active), 'loopA inactive');
  });

  it('retries through garbled answers and times out on a silent device, then goes offline and recovers', async () => {
    await sim.control('garble on');
    const g = await device.command('open');
    expect(g.attempts).toBeGreaterThanOrEqual(1);
    await sim.control('garble off');
    expect(Object.keys(device.faults).length).toBeGreaterThan(0);

    await sim.control('silent on');
    const r = await device.command('close');
    expect(r).toMatchObject({ ok: false, error: 'timeout', attempts: 3 });
    await until(() => !device.online, 'offline after missed heartbeats');
    expect(rec.offline.length).toBeGreaterThan(0);
    await sim.control('silent off');
    await until(() => device.online, 'online again');
  });

  it('answers late within the timeout are accepted', async () => {
    await sim.control('delay 100');
    expect((await device.command('open')).ok).toBe(true);
    await sim.control('delay 0');
  });

  it('unplug (socat killed) goes offline; replug on the same names comes back online', async () => {
    const before = rec.online;
    await pty.stop();
    await until(() => !device.online, 'offline after unplug');
    expect((await device.command('open')).error).toBe('offline');
    pty = await startPtyPair({ gatewaySide: gw, deviceSide: dev });
    await until(() => device.online && rec.online > before, 'online after replug', 30_000);
    expect((await device.command('open')).ok).toBe(true);
  });
});
