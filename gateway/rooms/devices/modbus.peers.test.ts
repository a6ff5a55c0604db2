import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile, PROFILES_DIR } from '../../lib/device-profiles/profiles.js';
import { startPtyPair, stopChild, type PtyPair } from './sim/pty-pair.js';
import { startSimulator, type SimulatorProcess } from './sim/launcher.js';
import { recordingObserver, serialDevice, tempDir, until } from './testing/helpers.js';
import type { Device } from './device.js';

/**
 * Cross-checks with independent Modbus implementations: the gateway's master against Debian's
 * pymodbus slave, and the project's relay-board simulator against the mbpoll master.
 */
const run = promisify(execFile);
const PY = '/usr/bin/python3';
const haveTools = existsSync(PY) && existsSync('/usr/bin/mbpoll');
if (!haveTools)
  console.warn('modbus peer tests skipped: needs /usr/bin/python3 with python3-pymodbus and mbpoll (scripts/install-system-deps.sh)');
const boardFile = join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml');
const board = loadProfileFile(boardFile);

function lines(child: ChildProcessWithoutNullStreams): () => Promise<string> {
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else queue.push(l);
  });
  return () => new Promise((res) => (queue.length ? res(queue.shift() as string) : waiting.push(res)));
}

describe.skipIf(!haveTools)('gateway Modbus master against the pymodbus slave', () => {
  const dir = tempDir();
  let pty: PtyPair;
  let slave: ChildProcessWithoutNullStreams;
  let next: () => Promise<string>;
  let device: Device | undefined;

  beforeAll(async () => {
    pty = await startPtyPair({ gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') });
    slave = spawn(PY, [join(import.meta.dirname, 'testing/pymodbus_slave.py'), pty.deviceSide, '1']);
    next = lines(slave);
    expect(await next()).toBe('ready');
  });
  afterAll(async () => {
    await device?.stop();
    if (slave) await stopChild(slave);
    await pty?.stop();
  });

  it('polls inputs, writes coils, and a wrong unit id never comes online', async () => {
    const wrong = recordingObserver();
    const other = serialDevice({
      id: 'wrong',
      profile: board,
      path: pty.gatewaySide,
      observer: wrong.observer,
      unitId: 7,
      heartbeatMs: 100,
    });
    other.start();
    await new Promise((r) => setTimeout(r, 1500));
    expect(other.online).toBe(false);
    expect((await other.command('hold_open')).ok).toBe(false);
    await other.stop();

    const { observer, rec } = recordingObserver();
    device = serialDevice({ id: 'board', profile: board, path: pty.gatewaySide, observer, unitId: 1, heartbeatMs: 50 });
    device.start();
    await until(() => device!.online, 'online');
    await until(() => rec.inputs.some((i) => i.input === 'exitButton' && i.active), 'exit button (DI 0 = 1) seen');
    slave.stdin.write('di 1 1\n');
    expect(await next()).toBe('ok');
    await until(() => rec.inputs.some((i) => i.input === 'doorContact' && i.active), 'door contact (DI 1) seen');
    expect((await device.command('hold_open')).ok).toBe(true);
    slave.stdin.write('co\n');
    expect(await next()).toMatch(/^1 0 0 0/);
    expect((await device.command('close')).ok).toBe(true);
    slave.stdin.write('co\n');
    expect(await next()).toMatch(/^0 0 0 0/);
  });
});

describe.skipIf(!haveTools)('relay-board simulator against the mbpoll master', () => {
  const dir = tempDir();
  let pty: PtyPair;
  let sim: SimulatorProcess;
  const mb = (...args: string[]) =>
    run('mbpoll', ['-m', 'rtu', '-b', '9600', '-P', 'none', '-a', '1', '-0', '-1', '-o', '2', ...args], { timeout: 10_000 }).then(
      (r) => r.stdout,
    );

  beforeAll(async () => {
    pty = await startPtyPair({ gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') });
    sim = await startSimulator({ profileFile: boardFile, port: pty.deviceSide });
  });
  afterAll(async () => {
    await sim?.stop();
    await pty?.stop();
  });

  it('mbpoll reads the discrete inputs the simulator was told to press', async () => {
    await sim.control('press fireAlarm');
    const out = await mb('-t', '1', '-r', '0', '-c', '4', pty.gatewaySide);
    expect(out).toMatch(/\[0\]:\s+0/);
    expect(out).toMatch(/\[3\]:\s+1/);
  });

  it('mbpoll writes a coil and the simulator holds it', async () => {
    await mb('-t', '0', '-r', '1', pty.gatewaySide, '1');
    const state = JSON.parse(await sim.control('state')) as { state: Record<string, number> };
    expect(state.state.relay2).toBe(1);
    const out = await mb('-t', '0', '-r', '0', '-c', '4', pty.gatewaySide);
    expect(out).toMatch(/\[1\]:\s+1/);
  });

  it('mbpoll gets exception 2 (illegal data address) for an address the board does not have', async () => {
    await expect(mb('-t', '0', '-r', '40', pty.gatewaySide)).rejects.toThrow(/Illegal data address|failed/i);
  });
});
