import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Device } from './device.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { quietLog, recordingObserver, tempDir, until } from './testing/helpers.js';
import { HeldLine, readHolderState } from './transport/gpio-hold.js';

/**
 * A holder killed from outside (OOM killer, an operator's kill) lets its line go: the device's
 * next heartbeat drives it again, without waiting for a command or a fail-safe re-assert.
 * gpio-sim inside the qemu VM of `npm run test:gpio`.
 */
const chip = process.env.GPIO_CHIP;
const sysfs = process.env.GPIO_SIM_SYSFS;
const available = Boolean(chip && sysfs && existsSync(`/dev/${chip}`));
const RELAY = { offset: 1, activeLow: false, bias: 'as-is' as const };
const readSim = (line: number) => readFileSync(join(sysfs as string, `sim_gpio${line}`, 'value'), 'utf8').trim();

it.runIf(!available && Boolean(process.env.GPIO_REQUIRED))('the VM provides a gpio-sim chip', () => {
  expect.fail(`GPIO_REQUIRED is set but no chip is usable (GPIO_CHIP=${chip ?? ''}, GPIO_SIM_SYSFS=${sysfs ?? ''})`);
});

describe.skipIf(!available)('a GPIO output whose holder was killed (gpio-sim)', () => {
  const holdDir = tempDir('se-gpio-lost-');
  const log = quietLog();
  const { observer } = recordingObserver();
  const device = new Device({
    id: 'door-3',
    profile: loadProfileFile(join(PROFILES_DIR, 'gpio-button-relay.yaml')),
    log,
    observer,
    heartbeatMs: 200,
    connect: (dev) => gpioEndpoint(dev, { chip: chip as string, log, holdDir }),
  });
  afterAll(async () => {
    await device.stop();
    await new HeldLine(chip as string, RELAY, holdDir).release();
  });

  it('is driven again by the next heartbeat, and the loss is counted as a fault', async () => {
    device.start();
    await until(() => device.online, 'gpio device online', 600_000);
    expect((await device.command('hold_open')).ok).toBe(true);
    expect(readSim(1)).toBe('1');
    const first = readHolderState(join(holdDir, `${chip}-1.json`))?.pid as number;
    process.kill(first, 'SIGKILL');
    await until(() => readSim(1) === '0', 'the line let go with its holder', 60_000);
    // A new holder (an interpreter start: slow in the emulated VM) takes the line at 1 again.
    await until(() => readSim(1) === '1', 'the line driven again', 600_000);
    expect(device.faults['gpio-holder-lost']).toBeGreaterThanOrEqual(1);
    expect(readHolderState(join(holdDir, `${chip}-1.json`))?.pid).not.toBe(first);
  }, 1_300_000);
});
