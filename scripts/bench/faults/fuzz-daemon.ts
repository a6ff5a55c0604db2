import { connect } from 'node:net';
import { log, waitFor } from './common.ts';
import * as G from './generators.ts';
import { runCases, type KindResult } from './fuzz.ts';
import { startRig, type Rig } from './rig.ts';

/**
 * Hostile requests into the real daemon (`sharpeyes start` with simulated devices): MQTT requests
 * from the platform side of a real mosquitto, and raw HTTP bytes into the operator console.
 * A crash: the daemon exits, logs an uncaught exception or an unhandled rejection, or answers
 * `internal` / HTTP 5xx (a handler failed inside instead of refusing the input). A hang: a whole
 * request with no answer within its budget, or the console not answering a status request
 * after a batch of cases.
 */
const INTERNAL_LOGS = new Set([
  'uncaught exception',
  'unhandled rejection',
  'action handler failed',
  'console request failed',
  'console action failed',
]);

function internalLines(rig: Rig, from: number): Record<string, unknown>[] {
  return rig.daemon.logs.slice(from).filter((l) => INTERNAL_LOGS.has(String(l.msg)));
}

/** Sends `bytes` on a fresh connection; resolves with the status line, or undefined after `ms`. */
function exchange(port: number, bytes: Buffer, complete: boolean, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = (v: string | undefined) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(complete ? undefined : 'incomplete'), complete ? ms : 30);
    s.on('error', () => done(complete ? 'reset' : 'incomplete'));
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      const line = got.split('\r\n')[0];
      if (got.includes('\r\n') && line !== undefined) done(line);
    });
    s.on('end', () => done(got.split('\r\n')[0] || 'closed'));
    s.write(bytes);
  });
}

export interface DaemonFuzzResult {
  mqtt: KindResult;
  http: KindResult;
  daemon_alive: boolean;
  internal_log_lines: number;
  uncaught_log_lines: number;
}

export async function fuzzDaemon(opts: { mqtt: number; http: number; seed: number }): Promise<DaemonFuzzResult> {
  const rig = await startRig({ console: true });
  try {
    rig.daemon.start();
    const listening = await rig.daemon.waitForLog((l) => l.msg === 'console listening', 120_000);
    await rig.daemon.waitForLog((l) => l.msg === 'gateway running', 120_000);
    await waitFor(() => rig.daemon.logs.filter((l) => l.msg === 'simulated device running').length >= 4, 60_000);
    const port = Number(new URL(String(listening.url)).port);
    const logFrom = rig.daemon.logs.length;
    const alive = () => {
      if (!rig.daemon.running) throw new Error(`the daemon exited:\n${rig.daemon.tail()}`);
    };

    const mqtt = await runCases('mqtt', opts.mqtt, opts.seed, 10_000, 16, async (p) => {
      const { action, payload } = G.mqttRequest(p);
      const r = await rig.requestRaw(action, payload, 10_000);
      alive();
      if (r === undefined) throw new Error(`no response to request/${action} (${payload.length} bytes) within 10 s`);
      if (r.code === 'internal') throw new Error(`request/${action} failed inside: ${String(r.error)}`);
      return r.status === 'ok' ? 'ok' : 'refused';
    });

    // /healthz answers without a session (/api/status needs one: a 401 there is no outage).
    const status = Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    const http = await runCases('http', opts.http, opts.seed, 5000, 8, async (p, i) => {
      const { bytes, complete } = G.httpRequest(p);
      const line = await exchange(port, bytes, complete, 5000);
      alive();
      if (line === undefined) throw new Error(`no answer to a whole request within 5 s: ${bytes.subarray(0, 80).toString('latin1')}`);
      const code = Number(/^HTTP\/1\.1 (\d{3})/.exec(line)?.[1] ?? 0);
      if (code >= 500) throw new Error(`HTTP ${code} to ${bytes.subarray(0, 120).toString('latin1')}`);
      if (i % 500 === 499) {
        const health = await exchange(port, status, true, 5000);
        if (!health?.includes(' 200 '))
          throw new Error(`the console stopped answering /healthz after case ${i}: ${health ?? 'nothing in 5 s'}`);
      }
      return code >= 200 && code < 300 ? 'ok' : 'refused';
    });
    // Failures inside show as `internal` answers above; uncaught ones only in the log.
    const lines = internalLines(rig, logFrom);
    const uncaught = lines.filter((l) => /uncaught|unhandled/.test(String(l.msg))).length;
    if (lines.length) log(`fuzz daemon: first internal failure logged: ${JSON.stringify(lines[0]).slice(0, 400)}`);
    return { mqtt, http, daemon_alive: rig.daemon.running, internal_log_lines: lines.length, uncaught_log_lines: uncaught };
  } finally {
    log(`fuzz daemon: ${rig.daemon.logs.length} log lines`);
    await rig.dispose();
  }
}
