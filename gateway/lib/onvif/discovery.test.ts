import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

// WS-Discovery only works inside a network namespace with a multicast route (never probe from
// the host namespace). The simulator and both clients (ours and Debian's onvif-util) run inside.
const ROOT = resolve(import.meta.dirname, '../../..');
const canNetns = process.getuid?.() === 0 && existsSync('/usr/sbin/ip') && existsSync('/usr/bin/onvif-util');
if (!canNetns) console.warn('skipping ONVIF discovery tests: needs root, iproute2 and onvif-tools (scripts/install-system-deps.sh)');

const NS = `se-cam-${process.pid}`;
const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
function inNs(cmd: string, args: string[], input?: string, timeoutMs = 30_000): string {
  return execFileSync('ip', ['netns', 'exec', NS, cmd, ...args], {
    input,
    timeout: timeoutMs,
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString();
}

describe.skipIf(!canNetns)('ONVIF discovery in a network namespace', () => {
  let sim: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    ip('netns', 'add', NS);
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    ip('-n', NS, 'link', 'set', 'lo', 'multicast', 'on');
    ip('-n', NS, 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
    dir = mkdtempSync(join(tmpdir(), 'sharpeyes-discover-'));
    writeFileSync(join(dir, 'pw'), 'secret\n', { mode: 0o600 });
    // Port 80: onvif-util only talks to port 80.
    sim = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        '--import',
        'tsx',
        'scripts/onvif-sim/main.ts',
        '--rtsp',
        'rtsp://127.0.0.1:8554/main',
        '--rtsp-sub',
        'rtsp://127.0.0.1:8554/sub',
        '--discovery',
        '--port',
        '80',
        '--user',
        'admin',
        '--password',
        'secret',
        '--serial',
        'SN-NETNS',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((res, rej) => {
      const t = setTimeout(() => rej(new Error('simulator did not start')), 30_000);
      createInterface({ input: sim!.stdout! }).once('line', () => {
        clearTimeout(t);
        res();
      });
      sim!.once('exit', (code) => rej(new Error(`simulator exited ${code}`)));
    });
  });

  afterAll(async () => {
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
    try {
      ip('netns', 'del', NS);
    } catch {
      /* already gone */
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sharpeyes discover finds the simulated camera and lists its profiles (JSON and table)', () => {
    const out = inNs(process.execPath, [
      'scripts/sharpeyes.mjs',
      'discover',
      '--json',
      '--timeout',
      '2',
      '--user',
      'admin',
      '--password-file',
      join(dir, 'pw'),
    ]);
    const rows = JSON.parse(out) as {
      address: string;
      device: { serial: string; manufacturer: string };
      profiles: { name: string; width: number; encoding: string; streamUri: string }[];
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.address).toBe('http://127.0.0.1:80/onvif/device_service');
    expect(rows[0]?.device).toMatchObject({ serial: 'SN-NETNS', manufacturer: 'SharpEyes' });
    expect(rows[0]?.profiles.map((p) => [p.name, p.width, p.encoding, p.streamUri])).toEqual([
      ['MainStream', 1280, 'H264', 'rtsp://127.0.0.1:8554/main'],
      ['SubStream', 640, 'H264', 'rtsp://127.0.0.1:8554/sub'],
    ]);
    const table = inNs(process.execPath, ['scripts/sharpeyes.mjs', 'discover', '--timeout', '2']);
    expect(table).toContain('http://127.0.0.1:80/onvif/device_service');
    expect(table).toContain('give --user and --password-file'); // no credentials: says what to do
  });

  it('cross-check: Debian onvif-util (libonvif) discovers and reads the simulator', () => {
    expect(inNs('onvif-util', ['-a'])).toMatch(/127\.0\.0\.1 \(SharpEyes_SIM-CAM-1\)/);
    const session = inNs('onvif-util', ['-u', 'admin', '-p', 'secret', '127.0.0.1'], 'get rtsp\nget profiles\nquit\n');
    expect(session).toContain('successfully connected to host');
    expect(session).toContain('serial: SN-NETNS');
    expect(session).toContain('rtsp://127.0.0.1:8554/main');
    expect(session).toMatch(/Token 1: sub/);
    // wrong password: refused by the simulator's WS-UsernameToken check
    let failed = '';
    try {
      inNs('onvif-util', ['-u', 'admin', '-p', 'wrong', '127.0.0.1'], 'quit\n');
    } catch (err) {
      failed = String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    }
    expect(failed).toMatch(/not ?authori[sz]ed|ERROR/i);
  });
});
