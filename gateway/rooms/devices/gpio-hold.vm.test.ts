import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Device } from './device.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { quietLog, recordingObserver, tempDir, until } from './testing/helpers.js';
import { HeldLine, readHolderState } from './transport/gpio-hold.js';

/**
 * GPIO outputs hold across a daemon stop, kill -9 and restart, and during re-asserts, on a
 * gpio-sim chip inside the qemu VM of `npm run test:gpio`. A separate process samples the sim
 * line's value in a tight loop the whole time: one sample at the wrong level is a dropout.
 */
const chip = process.env.GPIO_CHIP;
const sysfs = process.env.GPIO_SIM_SYSFS;
const available = Boolean(chip && sysfs && existsSync(`/dev/${chip}`));
const PROFILE = join(PROFILES_DIR, 'gpio-button-relay.yaml');
const RELAY = { offset: 1, activeLow: false, bias: 'as-is' as const };
const simValue = (line: number) => join(sysfs as string, `sim_gpio${line}`, 'value');
const readSim = (line: number) => readFileSync(simValue(line), 'utf8').trim();

it.runIf(!available && Boolean(process.env.GPIO_REQUIRED))('the VM provides a gpio-sim chip', () => {
  expect.fail(`GPIO_REQUIRED is set but no chip is usable (GPIO_CHIP=${chip ?? ''}, GPIO_SIM_SYSFS=${sysfs ?? ''})`);
});

/** The daemon stand-in (testing/gpio-daemon.ts) in its own process group, and what it printed. */
function daemon(holdDir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'testing', 'gpio-daemon.ts'), PROFILE, chip as string, holdDir],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    },
  );
  const said: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout }).on('line', (l) => said.push(JSON.parse(l) as Record<string, unknown>));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const command = async (name: string) => {
    const before = said.filter((s) => s.command === name).length;
    child.stdin.write(`${name}\n`);
    await until(() => said.filter((s) => s.command === name).length > before, `${name} answered`, 30_000);
    return said.filter((s) => s.command === name).at(-1) as { ok: boolean; error?: string };
  };
  // Node and Python start slowly in the emulated VM on a loaded host: startup waits are long.
  // The whole process group, as systemd's KillMode=control-group or a shell's Ctrl-C would.
  const kill = async (signal: NodeJS.Signals) => {
    process.kill(-(child.pid as number), signal);
    await exited;
  };
  return { child, said, command, kill };
}

/** Reads the sim line in a tight loop until `stop`; counts samples and those not at `want`. */
function sampler(line: number, want: string): { ready: Promise<void>; stop(): Promise<{ samples: number; wrong: number }> } {
  const stopFile = join(tempDir('se-sampler-'), 'stop');
  const py = `
import json, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY); want = sys.argv[2].encode(); n = wrong = 0
print("ready", flush=True)
while True:
    n += 1
    if os.pread(fd, 8, 0)[:1] != want: wrong += 1
    if n % 200 == 0 and os.path.exists(sys.argv[3]): break
print(json.dumps({"samples": n, "wrong": wrong}), flush=True)
`;
  const child: ChildProcess = spawn('/usr/bin/python3', ['-c', py, simValue(line), want, stopFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    ready: until(() => out.startsWith('ready\n'), 'sampler running', 170_000),
    async stop() {
      writeFileSync(stopFile, '');
      await done;
      return JSON.parse(out.slice('ready\n'.length)) as { samples: number; wrong: number };
    },
  };
}

describe.skipIf(!available)('GPIO outputs held by a process that outlives the daemon (gpio-sim)', () => {
  const holdDir = tempDir('se-gpio-hold-');
  afterAll(async () => {
    await new HeldLine(chip as string, RELAY, holdDir).release();
  });

  it('a held relay never drops: re-asserts, SIGTERM stop, restart and adoption, kill -9 of the whole group', async () => {
    const d1 = daemon(holdDir);
    await until(() => d1.said.some((s) => s.online === true), 'daemon 1 online', 600_000);
    expect(await d1.command('hold_open')).toMatchObject({ ok: true });
    await until(() => readSim(1) === '1', 'relay line high', 30_000);
    const holder = readHolderState(join(holdDir, `${chip}-1.json`));
    expect(holder).toMatchObject({ offset: 1, value: 1 });

    const sample = sampler(1, '1');
    await sample.ready;
    for (let i = 0; i < 5; i++) expect(await d1.command('hold_open')).toMatchObject({ ok: true }); // re-asserts
    await d1.kill('SIGTERM'); // a daemon stop: the device is stopped, the process ends
    await new Promise((r) => setTimeout(r, 500));
    expect(readSim(1)).toBe('1');

    const d2 = daemon(holdDir);
    await until(() => d2.said.some((s) => s.online === true), 'daemon 2 online', 600_000);
    // The new daemon adopts the holder and reports the gate as it finds it, without touching it.
    expect(d2.said.some((s) => s.gate === 'open')).toBe(true);
    for (let i = 0; i < 5; i++) expect(await d2.command('hold_open')).toMatchObject({ ok: true });
    await d2.kill('SIGKILL'); // a crash: no cleanup at all
    await new Promise((r) => setTimeout(r, 500));
    const seen = await sample.stop();
    console.log(
      `gpio hold: ${seen.samples} samples of the relay line across 10 re-asserts, a stop, a restart and a kill -9; ${seen.wrong} low`,
    );
    expect(seen.samples).toBeGreaterThan(1000);
    expect(seen.wrong).toBe(0);
    // The same holder process drove the line all along.
    expect(readHolderState(join(holdDir, `${chip}-1.json`))?.pid).toBe(holder?.pid);

    // The holder still takes commands in place: close drives the line low, by the same process.
    const line = new HeldLine(chip as string, RELAY, holdDir);
    expect(await line.set(0)).toBe('set');
    expect(readSim(1)).toBe('0');
    expect(readHolderState(line.statePath)).toMatchObject({ pid: holder?.pid, value: 0 });
    line.detach();
  }, 1_500_000);

  it('a holder that died is started again at the wanted level by the next re-assert', async () => {
    const line = new HeldLine(chip as string, RELAY, holdDir);
    expect(await line.set(1)).not.toBe('unchanged');
    const pid = readHolderState(line.statePath)?.pid as number;
    process.kill(pid, 'SIGKILL');
    await until(() => readSim(1) === '0', 'line released by the dead holder', 30_000);
    expect(await line.set(1)).toBe('started');
    expect(readSim(1)).toBe('1');
    expect(await line.set(1)).toBe('unchanged');
    line.detach();
  }, 300_000);
});

describe.skipIf(!available)('GPIO commands wait their turn like serial ones (gpio-sim)', () => {
  const holdDir = tempDir('se-gpio-turn-');
  const log = quietLog();
  const { observer } = recordingObserver();
  let failsafeHolds = false;
  const device = new Device({
    releaseAllowed: () => !failsafeHolds,
    id: 'door-2',
    profile: loadProfileFile(PROFILE),
    log,
    observer,
    heartbeatMs: 200,
    connect: (dev) => gpioEndpoint(dev, { chip: chip as string, log, holdDir }),
  });
  afterAll(async () => {
    await device.stop();
    await new HeldLine(chip as string, RELAY, holdDir).release();
  });

  it('a fail-safe hold-open jumps the queue, and a close whose guard fails at its turn is refused unsent', async () => {
    device.start();
    await until(() => device.online, 'gpio device online', 170_000);
    expect((await device.command('close')).ok).toBe(true);
    let heldOpen = false;
    const order: string[] = [];
    const first = device.command('close').then((r) => (order.push('close-1'), r));
    const queued = device.command('close', undefined, { guard: () => !heldOpen }).then((r) => (order.push('close-2'), r));
    heldOpen = true; // a fire alarm starts holding the gate open while the closes wait
    const urgent = device.command('hold_open', undefined, { urgent: true }).then((r) => (order.push('hold_open'), r));
    const [a, b, c] = await Promise.all([first, queued, urgent]);
    expect(a.ok).toBe(true);
    expect(c.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, attempts: 0, error: 'refused' });
    expect(order).toEqual(['close-1', 'hold_open', 'close-2']);
    expect(readSim(1)).toBe('1');
  }, 300_000);

  it('a pulse release asks the fail-safe when its turn comes: a gate held open meanwhile stays open', async () => {
    expect((await device.command('close')).ok).toBe(true);
    expect((await device.command('pulse', 300)).ok).toBe(true);
    expect(readSim(1)).toBe('1');
    failsafeHolds = true; // a fire alarm starts during the pulse
    await new Promise((r) => setTimeout(r, 1500));
    expect(readSim(1)).toBe('1');
    failsafeHolds = false;
    expect((await device.command('pulse', 300)).ok).toBe(true);
    await until(() => readSim(1) === '0', 'pulse released', 30_000);
  });
});
