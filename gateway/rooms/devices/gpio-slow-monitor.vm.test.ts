import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Device } from './device.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { quietLog, recordingObserver, tempDir, until } from './testing/helpers.js';
import { HeldLine } from './transport/gpio-hold.js';

/**
 * A gpiomon that is slow to take the input lines (a cold start on a loaded box, as in CI's
 * emulated VM) makes the first attempt give up; the device must still come online on a later
 * one. Before the fix the given-up gpiomon kept running and, once it started, held the button
 * line, so every later attempt's gpioget found it busy: the device never came online.
 * Runs on the gpio-sim chip of `npm run test:gpio`.
 */
const chip = process.env.GPIO_CHIP;
const sysfs = process.env.GPIO_SIM_SYSFS;
const available = Boolean(chip && sysfs && existsSync(`/dev/${chip}`));

it.runIf(!available && Boolean(process.env.GPIO_REQUIRED))('the VM provides a gpio-sim chip', () => {
  expect.fail(`GPIO_REQUIRED is set but no chip is usable (GPIO_CHIP=${chip ?? ''}, GPIO_SIM_SYSFS=${sysfs ?? ''})`);
});

describe.skipIf(!available)('a gpiomon slow to start (gpio-sim)', () => {
  const holdDir = tempDir('se-gpio-slow-');
  const bin = tempDir('se-gpio-slow-bin-');
  const path = process.env.PATH;
  afterAll(async () => {
    process.env.PATH = path;
    await new HeldLine(chip as string, { offset: 1, activeLow: false, bias: 'as-is' }, holdDir).release();
  });

  it('a first attempt given up on leaves no gpiomon behind: the device comes online and sees the button', async () => {
    // The first gpiomon waits 3 s before it takes the lines, past the 1 s this device allows;
    // later ones start at once.
    const first = join(bin, 'first-done');
    writeFileSync(join(bin, 'gpiomon'), `#!/bin/sh\nif [ ! -e ${first} ]; then : > ${first}; sleep 3; fi\nexec /usr/bin/gpiomon "$@"\n`);
    chmodSync(join(bin, 'gpiomon'), 0o755);
    process.env.PATH = `${bin}:${path ?? '/usr/bin:/bin'}`;

    const { observer, rec } = recordingObserver();
    const log = quietLog();
    const device = new Device({
      id: 'door-slow',
      profile: loadProfileFile(join(PROFILES_DIR, 'gpio-button-relay.yaml')),
      log,
      observer,
      heartbeatMs: 200,
      connect: (dev) => gpioEndpoint(dev, { chip: chip as string, log, holdDir, monitorStartMs: 1000 }),
    });
    try {
      device.start();
      await until(() => device.online, 'gpio device online after a slow first gpiomon', 170_000);
      expect(existsSync(first)).toBe(true); // the slow gpiomon did run, and was given up on
      // Past the moment the first gpiomon would have woken and taken the lines.
      await new Promise((r) => setTimeout(r, 3500));
      expect(device.online).toBe(true);
      const sim = (attr: string) => join(sysfs as string, 'sim_gpio0', attr);
      writeFileSync(sim('pull'), 'pull-down');
      await until(() => rec.inputs.some((i) => i.input === 'exitButton' && i.active), 'press seen', 30_000);
      writeFileSync(sim('pull'), 'pull-up');
      await until(() => rec.inputs.some((i) => i.input === 'exitButton' && !i.active), 'release seen', 30_000);
    } finally {
      await device.stop();
    }
  }, 300_000);
});
