import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIMULATOR_SCRIPT } from './launcher.js';
import { tempDir, until } from '../testing/helpers.js';

/** The simulator as a process: its own pty pair, the unix-socket control channel, and no orphans. */
describe('device-sim process', () => {
  it('owns its pty pair, answers on the control socket, and exits with its stdin (no orphaned socat)', async () => {
    const dir = tempDir();
    const gw = join(dir, 'gw');
    const sock = join(dir, 'ctl.sock');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        SIMULATOR_SCRIPT,
        '--profile',
        'alarm-post-sos200',
        '--port',
        join(dir, 'dev'),
        '--pty-pair',
        gw,
        '--control',
        sock,
        '--exit-with-stdin',
      ],
      {
        cwd: join(import.meta.dirname, '../../..'),
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (l) => l === 'ready' && resolve());
        child.once('exit', () => reject(new Error('simulator exited early')));
      });
      expect(existsSync(gw)).toBe(true);
      await until(() => existsSync(sock), 'control socket');
      const reply = await new Promise<string>((resolve) => {
        const c = connect(sock, () => c.write('press nothing\nstate\n'));
        const lines: string[] = [];
        createInterface({ input: c }).on('line', (l) => {
          lines.push(l);
          if (lines.length === 2) {
            c.end();
            resolve(lines.join('\n'));
          }
        });
      });
      expect(reply).toMatch(/^error unknown input nothing/);
      expect(reply).toMatch(/"model":"alarm-post-sos200"/);
    } finally {
      child.stdin!.end();
    }
    expect(await exited).toBe(0);
    expect(existsSync(gw)).toBe(false);
  });
});
