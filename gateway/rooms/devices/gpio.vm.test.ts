import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Device } from './device.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { quietLog, recordingObserver, tempDir, until } from './testing/helpers.js';
import { HeldLine } from './transport/gpio-hold.js';

/**
 * The GPIO profile and driver on a real GPIO character device: a gpio-sim chip inside the qemu
 * VM of `npm run test:gpio` (scripts/gpio-vm/run.sh). Outside it there is no GPIO here.
 */
const chip = process.env.GPIO_CHIP;
const sysfs = process.env.GPIO_SIM_SYSFS;
const available = Boolean(chip && sysfs && existsSync(`/dev/${chip}`));
if (!available) console.warn('GPIO tests skipped: no gpio-sim chip (run `npm run test:gpio`, which boots a qemu VM with one)');

// Inside the VM (GPIO_REQUIRED=1) a missing chip is a failure, never a silent pass with nothing run.
it.runIf(!available && Boolean(process.env.GPIO_REQUIRED))('the VM provides a gpio-sim chip', () => {
  expect.fail(`GPIO_REQUIRED is set but no chip is usable (GPIO_CHIP=${chip ?? ''}, GPIO_SIM_SYSFS=${sysfs ?? ''})`);
});

describe.skipIf(!available)('gpio button + relay through libgpiod on gpio-sim', () => {
  const profile = loadProfileFile(join(PROFILES_DIR, 'gpio-button-relay.yaml'));
  const { observer, rec } = recordingObserver();
  const log = quietLog();
  const holdDir = tempDir('se-gpio-');
  const sim = (line: number, attr: 'pull' | 'value') => join(sysfs as string, `sim_gpio${line}`, attr);
  const device = new Device({
    id: 'door-1',
    profile,
    log,
    observer,
    heartbeatMs: 200,
    connect: (dev) => gpioEndpoint(dev, { chip: chip as string, log, holdDir }),
  });

  beforeAll(async () => {
    device.start();
    await until(() => device.online, 'gpio device online', 170_000); // the output holder's interpreter starts slowly in the VM
  });
  afterAll(async () => {
    await device.stop();
    // The relay's holder outlives the device on purpose; the next test file starts from a free line.
    await new HeldLine(chip as string, { offset: 1, activeLow: false, bias: 'as-is' }, holdDir).release();
  });

  it('a button press (line pulled low, active-low) is one debounced input event, and its release another', async () => {
    writeFileSync(sim(0, 'pull'), 'pull-down');
    await until(() => rec.inputs.some((i) => i.input === 'exitButton' && i.active), 'press seen', 30_000);
    writeFileSync(sim(0, 'pull'), 'pull-up');
    await until(() => rec.inputs.some((i) => i.input === 'exitButton' && !i.active), 'release seen', 30_000);
    expect(rec.inputs.filter((i) => i.input === 'exitButton').map((i) => i.active)).toEqual([true, false]);
  });

  it('hold-open drives the relay line high, close drives it low, a pulse comes back by itself', async () => {
    expect((await device.command('hold_open')).ok).toBe(true);
    await until(() => readFileSync(sim(1, 'value'), 'utf8').trim() === '1', 'relay line high', 30_000);
    expect(device.gateState).toBe('open');
    expect((await device.command('close')).ok).toBe(true);
    await until(() => readFileSync(sim(1, 'value'), 'utf8').trim() === '0', 'relay line low', 30_000);
    const pulse = device.command('pulse', 1500);
    await until(() => readFileSync(sim(1, 'value'), 'utf8').trim() === '1', 'pulse on', 30_000);
    expect((await pulse).ok).toBe(true);
    await until(() => readFileSync(sim(1, 'value'), 'utf8').trim() === '0' && device.gateState === 'closed', 'pulse released', 30_000);
  });
});
