import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../gateway/testing/context.js';

/**
 * scripts/stop-leftovers.sh (the unit's ExecStopPost, with KillMode=process) in a control group
 * of its own made for the test, as systemd runs it in the unit's: it stops what the daemon left
 * (a stand-in ffmpeg) and spares the GPIO holders (a process named gpio-holder.py).
 */
const root = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd'].find((t) => existsSync(join(t, 'cgroup.procs')));
const group = join(root ?? '/nonexistent', `se-sweep-test-${process.pid}`);
let made = false;
try {
  if (!root) throw new Error('no cgroup tree');
  mkdirSync(group);
  made = existsSync(join(group, 'cgroup.procs')); // a real control group, not a plain folder
  if (!made) rmdirSync(group);
} catch {
  console.warn('stop-leftovers test skipped: cannot make a control group here (needs root and a writable cgroup tree)');
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(!made)('scripts/stop-leftovers.sh', () => {
  const pids: number[] = [];
  afterAll(() => {
    for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
    if (existsSync(group)) spawnSync('rmdir', [group]);
  });

  it('stops what the daemon left in its control group and spares the GPIO holders', async () => {
    // A shell moves itself into the group, starts the leftovers, and reports their pids.
    const script = join(import.meta.dirname, 'stop-leftovers.sh');
    const sh = spawn(
      'bash',
      [
        '-c',
        `echo $$ > ${group}/cgroup.procs || exit 1; (exec -a ffmpeg sleep 300) & ` +
          `(exec -a /opt/sharpeyes/gateway/devices/transport/gpio-holder.py sleep 300) & ` +
          `sleep 0.5; jobs -p; bash ${script}; echo swept`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    sh.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('swept'), 'the sweep ran', 30_000);
    const [leftover, holder] = out
      .split('\n')
      .filter((l) => /^\d+$/.test(l))
      .map(Number) as [number, number];
    pids.push(leftover, holder);
    expect(out).toContain('stopping 1 process(es) the daemon left');
    await until(() => !alive(leftover) || readFileSync(`/proc/${leftover}/stat`, 'utf8').includes(') Z'), 'the leftover stopped', 10_000);
    expect(alive(holder)).toBe(true);
    process.kill(holder, 'SIGKILL');
    await until(
      () => !existsSync(`/proc/${holder}`) || readFileSync(`/proc/${holder}/stat`, 'utf8').includes(') Z'),
      'holder gone',
      10_000,
    );
  });
});
