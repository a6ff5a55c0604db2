import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, until } from './testing/helpers.js';
import { quietRoomsYaml, SHARPEYES } from '../../../cloud-bridge/testing/daemon.js';

/**
 * The real daemon with a simulated gate and alarm post, driven by `sharpeyes devices` and
 * `sharpeyes gate open` over MQTT requests (the platform's path), then killed with -9: the
 * simulators and their socat pty pairs must not outlive it.
 */
const run = promisify(execFile);
const cli = (config: string, ...args: string[]) =>
  run(process.execPath, [SHARPEYES, ...args, '--config', config], { timeout: 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '' }),
  );

describe('sharpeyes devices / gate against the running daemon', () => {
  const dir = tempDir('se-cli-');
  const config = join(dir, 'gateway.yaml');
  let daemon: ChildProcess;
  let stderr = '';

  beforeAll(async () => {
    writeFileSync(
      config,
      `node:\n  id: cli-node\n  dataDir: ${dir}/var\ncloud:\n  embeddedPort: 0\n${quietRoomsYaml().replace(/^devices:.*\n/m, '')}devices:\n  - { id: gate-1, profile: barrier-bg300-framed, simulate: true }\n  - { id: alarm-1, profile: alarm-post-sos200, simulate: true }\n`,
    );
    daemon = spawn(process.execPath, [SHARPEYES, 'start', '--config', config], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NOTIFY_SOCKET: '' },
    });
    daemon.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    await until(() => existsSync(join(dir, 'var/embedded-broker.json')) || daemon.exitCode !== null, 'daemon broker', 90_000);
    expect(daemon.exitCode, stderr).toBeNull();
  });
  afterAll(() => {
    if (daemon && daemon.exitCode === null) daemon.kill('SIGKILL');
  });

  it('lists devices, opens the gate, presses the alarm button', async () => {
    let list = { code: -1, out: '', err: '' };
    const deadline = Date.now() + 90_000;
    while (!(/gate-1\s+\S+ \(sim\)\s+online/.test(list.out) && /alarm-1\s+\S+ \(sim\)\s+online/.test(list.out))) {
      if (Date.now() > deadline || daemon.exitCode !== null)
        throw new Error(`devices not online:\n${list.out}${list.err}\n${stderr.slice(-3000)}`);
      list = await cli(config, 'devices');
      if (list.code !== 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(list.out.split('\n')[0]).toMatch(/^DEVICE\s+MODEL\s+STATE\s+GATE/);

    const open = await cli(config, 'gate', 'open', 'gate-1');
    expect(open, open.err).toMatchObject({ code: 0 });
    expect(open.out).toMatch(/^gate-1: open acknowledged in [\d.]+ ms \(1 attempt\), gate open/);

    const bad = await cli(config, 'gate', 'open', 'nope');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no device "nope"/);

    const press = await cli(config, 'devices', 'simulate', 'alarm-1', 'hold', 'button');
    expect(press).toMatchObject({ code: 0, out: 'ok\n' });
    const json = JSON.parse((await cli(config, 'devices', '--json')).out) as { id: string; inputs: Record<string, boolean> }[];
    expect(json.find((d) => d.id === 'alarm-1')?.inputs.button).toBe(true);
  });

  it('after kill -9 of the daemon, its simulators and pty pairs go away; devices shows the last recorded state', async () => {
    const gw = join(dir, 'var/run/devices/gate-1.gw');
    expect(existsSync(gw)).toBe(true);
    daemon.kill('SIGKILL');
    await until(() => daemon.exitCode !== null || daemon.signalCode !== null, 'daemon dead');
    await until(
      () => !existsSync(gw) && !existsSync(join(dir, 'var/run/devices/alarm-1.gw')),
      'simulators and socat gone with the daemon',
      30_000,
    );
    const last = await cli(config, 'devices');
    expect(last.code).toBe(1);
    expect(last.err).toMatch(/last recorded state/);
    expect(last.out).toMatch(/gate-1\s+barrier-bg300-framed\s+offline \(last recorded online/);
  });
});
