import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProfileFiles, loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { openSimLine, type SimLine } from './testing/sim-line.js';
import { quietLog, recordingObserver, serialDevice, tempDir, until } from './testing/helpers.js';
import type { Device } from './device.js';
import type { CommandName } from '../../lib/device-profiles/profile-schema.js';

/**
 * Every serial profile, both sides: the gateway driver and the generic simulator built from the
 * same file, on a socat pty pair. Every command must be acknowledged and every input reported,
 * so a new profile that the simulator or the driver cannot play fails here.
 */
const serialProfiles = listProfileFiles(PROFILES_DIR)
  .map((f) => loadProfileFile(f))
  .filter((p) => p.transport.type === 'serial');

describe.each(serialProfiles.map((p) => [p.model, p] as const))('%s: driver and simulator from one profile', (_model, profile) => {
  const dir = tempDir();
  const log = quietLog();
  const { observer, rec } = recordingObserver();
  let line: SimLine;
  let device: Device;

  beforeAll(async () => {
    line = await openSimLine({ id: 'dev', profile, dir });
    device = serialDevice({ id: profile.model, profile, path: line.gatewaySide, observer, log, heartbeatMs: 100 });
    device.start();
    await until(() => device.online, 'online');
  });
  afterAll(async () => {
    await device?.stop();
    await line?.stop();
  });

  it('acknowledges every command on the first attempt', async () => {
    for (const name of Object.keys(profile.commands) as CommandName[]) {
      const r = await device.command(name);
      expect(r, name).toMatchObject({ ok: true, attempts: 1 });
    }
  });

  it('reports every input press and release', async () => {
    for (const input of Object.keys(profile.inputs)) {
      line.sim.setInput(input, true, { hold: true });
      await until(() => rec.inputs.some((i) => i.input === input && i.active), `${input} active`);
    }
    for (const input of Object.keys(profile.inputs)) {
      line.sim.setInput(input, false);
      await until(() => rec.inputs.some((i) => i.input === input && !i.active), `${input} released`, 30_000);
    }
    expect(Object.keys(device.faults)).toEqual([]);
  });
});
