import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { configSchema } from '../../gateway/config/schema.js';

/**
 * YAML that turns off the other rooms' demo peers (demo camera, simulated devices on socat,
 * recognition, console on a fixed port) for
 * tests of the bridge, written only for the settings the current schema has, so it keeps working
 * while those sections evolve.
 */
export function quietRoomsYaml(): string {
  const accepts = (section: string, value: unknown) => {
    const s = (configSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[section];
    return Boolean(s?.safeParse(value).success);
  };
  const candidates: [string, unknown, string][] = [
    ['cameras', { demo: false }, 'cameras:\n  demo: false\n'],
    ['devices', [], 'devices: []\n'],
    ['access', { points: [] }, 'access:\n  points: []\n'],
    ['faces', { enabled: false }, 'faces:\n  enabled: false\n'],
    ['plates', { enabled: false }, 'plates:\n  enabled: false\n'],
    ['console', { enabled: false }, 'console:\n  enabled: false\n'],
  ];
  return candidates
    .filter(([section, value]) => accepts(section, value))
    .map(([, , yaml]) => yaml)
    .join('');
}

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const SHARPEYES = join(ROOT, 'scripts/sharpeyes.mjs');

/**
 * The real daemon as a child process (`node scripts/sharpeyes.mjs start --config FILE`), with its
 * JSON log lines collected. Reusable: write the config, start(), waitForLog(), kill('SIGKILL').
 */
export class Daemon {
  private child: ChildProcess | undefined;
  readonly logs: Record<string, unknown>[] = [];
  /** What the daemon printed on stdout (the start-up banner, the demo's decision lines). */
  stdout = '';
  private partial = '';
  readonly configFile: string;

  constructor(
    readonly dir: string,
    yaml: string,
  ) {
    this.configFile = join(dir, 'gateway.yaml');
    writeFileSync(this.configFile, yaml);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return Boolean(this.child && this.child.exitCode === null && this.child.signalCode === null);
  }

  /** Starts the daemon; `env` adds to (or overrides) this process's environment. */
  start(env: NodeJS.ProcessEnv = {}): void {
    if (this.running) throw new Error('daemon already running');
    const child = spawn(process.execPath, [SHARPEYES, 'start', '--config', this.configFile], {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NOTIFY_SOCKET: '', ...env },
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => {
      this.stdout = (this.stdout + d.toString()).slice(-100_000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      const text = this.partial + d.toString();
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (process.env.TEST_LOGS) process.stderr.write(`[daemon] ${line}\n`);
        try {
          this.logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.logs.push({ msg: line, raw: true });
        }
      }
    });
  }

  async waitForLog(match: (l: Record<string, unknown>) => boolean, ms = 60_000, from = 0): Promise<Record<string, unknown>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.logs.slice(from).find(match);
      if (found) return found;
      if (!this.running)
        throw new Error(
          `daemon exited (${this.child?.exitCode ?? this.child?.signalCode}) before the expected log line; last lines:\n${this.tail()}`,
        );
      if (Date.now() > deadline) throw new Error(`no matching daemon log line within ${ms} ms; last lines:\n${this.tail()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  tail(n = 15): string {
    return this.logs
      .slice(-n)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  /** Sends `signal` and waits for the process to exit; resolves with its exit code or signal. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
    const c = this.child;
    if (!c) return null;
    if (this.running) {
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill(signal);
      await exited;
    }
    return c.exitCode ?? c.signalCode;
  }
}
