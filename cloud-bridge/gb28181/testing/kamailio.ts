import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freeSipPort } from './sipp.js';

/** Whether Debian's kamailio (a real SIP registrar) is installed. */
export function haveKamailio(): boolean {
  return spawnSync('kamailio', ['-v'], { stdio: 'ignore' }).error === undefined;
}

const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

/**
 * The registrar configuration of /work/shared/TEST-PEERS.md: Digest with qop=auth against one
 * plain-text password (no database), location saved in memory (usrloc), MESSAGE answered 200
 * and logged; listening on UDP and TCP on one loopback port. `min_expires` is lowered so a short
 * registration (renewal in seconds) is kept as asked. Every line it logs starts with `SE-TEST`.
 */
function config(port: number, realm: string, password: string): string {
  return `#!KAMAILIO
log_stderror=yes
debug=2
fork=yes
children=1
tcp_children=1
listen=udp:127.0.0.1:${port}
listen=tcp:127.0.0.1:${port}
mpath="${MODULES}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "pv.so"
loadmodule "xlog.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("auth", "qop", "auth")
modparam("registrar", "min_expires", 5)
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("${realm}", "${password}", "0")) {
      xlog("L_INFO", "SE-TEST challenge $fU proto $pr auth [$hdr(Authorization)]\\n");
      www_challenge("${realm}", "1");
      exit;
    }
    if (!save("location")) { sl_reply_error(); exit; }
    xlog("L_INFO", "SE-TEST registered $fU proto $pr expires $hdr(Expires) auth [$hdr(Authorization)]\\n");
    exit;
  }
  if (is_method("MESSAGE")) {
    xlog("L_INFO", "SE-TEST MESSAGE from $fU proto $pr type $cT body [$(rb{s.escape.common})]\\n");
    sl_send_reply("200", "OK");
    exit;
  }
  xlog("L_INFO", "SE-TEST $rm from $fU not handled\\n");
  sl_send_reply("404", "Not here");
}
`;
}

/** kamailio in the foreground on a free loopback port (UDP and TCP), stopped by its PID. */
export class Kamailio {
  readonly dir = mkdtempSync(join(tmpdir(), 'kamailio-'));
  port = 0;
  private proc: ChildProcess | undefined;
  private out = '';

  constructor(private readonly opts: { realm: string; password: string }) {}

  /** Lines it logged (`SE-TEST ...`), in order. */
  lines(): string[] {
    return this.out
      .split(/\r?\n/)
      .map((l) => /SE-TEST (.*)$/.exec(l)?.[1])
      .filter((l): l is string => l !== undefined);
  }

  /** Everything it wrote (for a failure message). */
  log(): string {
    return this.out.slice(-4000);
  }

  async start(): Promise<void> {
    this.port = await freeSipPort();
    const file = join(this.dir, 'kamailio.cfg');
    writeFileSync(file, config(this.port, this.opts.realm, this.opts.password));
    const check = spawnSync('kamailio', ['-c', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`kamailio -c refused the config: ${check.stderr}`);
    const proc = spawn('kamailio', ['-f', file, '-P', join(this.dir, 'kamailio.pid'), '-DD', '-E', '-Y', this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!(await this.accepts())) {
      const why = proc.exitCode !== null ? `exited ${proc.exitCode}` : Date.now() > deadline ? 'did not start' : '';
      if (why) {
        await this.stop();
        throw new Error(`kamailio ${why}: ${this.log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Its TCP listener takes a connection (the workers are up). */
  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = connect(this.port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
  }

  /** Stops it (SIGTERM to the PID it was started with; its children follow) and removes its folder. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null && proc.pid) {
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(proc.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
