import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

/**
 * Command prefix that makes a helper die with the process that started it (prctl PDEATHSIG,
 * through util-linux setpriv), so a kill -9 of its parent never leaves it running.
 */
export function dieWithParent(signal = 'KILL'): string[] {
  return existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', `--pdeathsig=${signal}`] : [];
}

/**
 * A pty pair made by socat (a null-modem cable in software): the gateway opens `gatewaySide`,
 * a simulator `deviceSide`. Killing it is an unplug; starting another with the same names a
 * replug. Resolves once socat says "starting data transfer loop" (opening before that fails).
 */
export interface PtyPair {
  gatewaySide: string;
  deviceSide: string;
  pid: number;
  stop(): Promise<void>;
}

export function startPtyPair(opts: { gatewaySide: string; deviceSide: string; timeoutMs?: number }): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = [
      ...dieWithParent('TERM'),
      'socat',
      '-d',
      '-d',
      `pty,raw,echo=0,link=${opts.gatewaySide}`,
      `pty,raw,echo=0,link=${opts.deviceSide}`,
    ];
    const child: ChildProcess = spawn(cmd as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`socat did not start within ${opts.timeoutMs ?? 10_000} ms: ${err.slice(-300)}`));
    }, opts.timeoutMs ?? 10_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run socat (apt-get install socat): ${e.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}): ${err.slice(-300)}`));
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 8192) err = err.slice(-4096);
      if (err.includes('starting data transfer loop')) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        child.removeAllListeners('exit');
        resolve({
          gatewaySide: opts.gatewaySide,
          deviceSide: opts.deviceSide,
          pid: child.pid as number,
          stop: () =>
            stopChild(child).then(() => {
              rmSync(opts.gatewaySide, { force: true });
              rmSync(opts.deviceSide, { force: true });
            }),
        });
      }
    });
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
