import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const unit = readFileSync(new URL('../systemd/sharpeyes.service', import.meta.url), 'utf8');
const hasAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
if (!hasAnalyze) console.warn('systemd unit test: systemd-analyze not installed, only the static checks run');

describe('systemd/sharpeyes.service', () => {
  it('is a notify service with a watchdog that restarts on failure', () => {
    const keys = Object.fromEntries(
      unit
        .split('\n')
        .filter((l) => /^\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(keys).toMatchObject({ Type: 'notify', Restart: 'on-failure', NoNewPrivileges: 'yes', ProtectSystem: 'strict' });
    expect(Number(keys.WatchdogSec)).toBeGreaterThan(0);
    expect(keys.SupplementaryGroups).toContain('dialout');
    expect(keys.ExecStart).toContain('scripts/sharpeyes.mjs start --config');
  });

  it('a stop signals the daemon only (GPIO holders keep their lines) and sweeps what else it left', () => {
    expect(unit).toMatch(/^KillMode=process$/m);
    expect(unit).toMatch(/^ExecStopPost=\/bin\/bash \/opt\/sharpeyes\/scripts\/stop-leftovers\.sh$/m);
  });

  it('hides other processes, filters system calls and allows only serial, GPIO and pty devices', () => {
    const all = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
    expect(all('ProtectProc')).toEqual(['invisible']);
    expect(all('ProcSubset')).toEqual(['pid']);
    expect(all('SystemCallFilter')).toContain('@system-service');
    expect(all('DevicePolicy')).toEqual(['closed']);
    expect(all('DeviceAllow').sort()).toEqual(['char-gpiochip rw', 'char-pts rw', 'char-ttyACM rw', 'char-ttyS rw', 'char-ttyUSB rw']);
  });

  it.skipIf(!hasAnalyze)('passes systemd-analyze verify; exposure (security --offline=yes) at most 2.5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'se-unit-'));
    const file = join(dir, 'sharpeyes.service');
    // verify checks that ExecStart exists; point it at a binary present on any machine.
    writeFileSync(file, unit.replace(/^ExecStart=.*$/m, 'ExecStart=/bin/true'));
    const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(verify.stderr.trim()).toBe('');
    const security = execFileSync('systemd-analyze', ['security', '--offline=yes', file], { encoding: 'utf8' });
    const score = Number(/Overall exposure level for sharpeyes.service: ([\d.]+)/.exec(security)?.[1]);
    expect(score).toBeLessThanOrEqual(2.5);
  });
});
