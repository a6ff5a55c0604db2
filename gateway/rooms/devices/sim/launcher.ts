import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { dieWithParent, stopChild } from './pty-pair.js';

/** device-sim.ts (beside this file), run through tsx like the `sharpeyes` command. */
export const SIMULATOR_SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), './device-sim.ts');

export interface SimulatorProcess {
  pid: number;
  /** Sends one control line (press INPUT, silent on, ...) and resolves with its answer. */
  control(line: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the generic simulator on the device side of a pty pair; resolves once it has the port open. */
export function startSimulator(opts: {
  profileFile: string;
  port: string;
  address?: number;
  controlSocket?: string;
  timeoutMs?: number;
  ptyPairGatewaySide?: string;
}): Promise<SimulatorProcess> {
  // --exit-with-stdin: the simulator (and the socat it owns) goes away with this process, even after kill -9.
  const args = ['--import', 'tsx', SIMULATOR_SCRIPT, '--profile', opts.profileFile, '--port', opts.port, '--exit-with-stdin'];
  if (opts.ptyPairGatewaySide) args.push('--pty-pair', opts.ptyPairGatewaySide);
  if (opts.address !== undefined) args.push('--address', String(opts.address));
  if (opts.controlSocket) args.push('--control', opts.controlSocket);
  const [cmd, ...prefix] = [...dieWithParent('TERM'), process.execPath];
  const child: ChildProcess = spawn(cmd as string, [...prefix, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: resolve(dirname(SIMULATOR_SCRIPT), '../../../..'), // the project root
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  const waiting: ((line: string) => void)[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`simulator not ready within ${opts.timeoutMs ?? 30_000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited (${code}): ${stderr}`));
      for (const w of waiting.splice(0)) w('error simulator exited');
    });
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!ready && line === 'ready') {
        ready = true;
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.once('exit', () => {
          for (const w of waiting.splice(0)) w('error simulator exited');
        });
        resolvePromise({
          pid: child.pid as number,
          control: (l) =>
            new Promise((res) => {
              waiting.push(res);
              child.stdin?.write(`${l}\n`);
            }),
          stop: () => stopChild(child, 8000),
        });
        return;
      }
      waiting.shift()?.(line);
    });
  });
}
