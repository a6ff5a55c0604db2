import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real mosquitto (Debian 2.0.11) for tests, on a free loopback port, with its own config and
 * persistence in a temp folder. Reusable by every room's tests:
 *
 *   const broker = await startMosquitto();                       // anonymous
 *   const broker = await startMosquitto({ users: { gw: 'pw' }, acl: 'user gw\ntopic readwrite #' });
 *   const broker = await startMosquitto({ tls: 'mutual' });      // broker.certs.* are PEM paths
 *   await broker.stop(); await broker.start(); await broker.kill(); // same port, same persistence
 *   afterAll(() => broker.dispose());
 */
export interface MosquittoOptions {
  /** user → password; turns anonymous access off. */
  users?: Record<string, string>;
  /** ACL file text (mosquitto acl_file syntax); needs `users` or `tls: 'mutual'`. */
  acl?: string;
  /** 'server': TLS with a server cert; 'mutual': clients must present a cert of the test CA (CN = user name). */
  tls?: 'server' | 'mutual';
  /** Client certificates to issue with the test CA (CN = name), for tls: 'mutual'. */
  clientNames?: string[];
  /** Extra lines for mosquitto.conf. */
  extraConfig?: string;
  /** mosquitto log_type values (default all; benchmarks keep debug lines out of a busy broker). */
  logTypes?: string[];
  /** autosave_interval in seconds (default 1, so tests that kill the broker lose little). */
  autosaveS?: number;
}

export interface TestCerts {
  dir: string;
  caFile: string;
  serverCert: string;
  serverKey: string;
  /** name → {certFile, keyFile}, signed by the test CA. */
  clients: Record<string, { certFile: string; keyFile: string }>;
  /** A client cert signed by another CA the broker does not trust. */
  rogue: { certFile: string; keyFile: string; caFile: string };
}

export interface Mosquitto {
  port: number;
  /** mqtt://127.0.0.1:port or mqtts://localhost:port */
  url: string;
  dir: string;
  certs: TestCerts | undefined;
  pid: number | undefined;
  /** Everything mosquitto wrote to stderr since it was created. */
  log(): string;
  start(): Promise<void>;
  /** SIGTERM (mosquitto saves its persistence) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a TCP connection is accepted within a second (a SYN lost in a full backlog is retried). */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA, a server cert for localhost/127.0.0.1, client certs (CN = name) and a rogue client cert. */
export function makeTestCerts(dir: string, clientNames: string[] = ['client']): TestCerts {
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) =>
    openssl(['req', '-x509', ...key, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '3', '-subj', `/CN=${name}`], dir);
  const leaf = (name: string, cn: string, caName: string, ext?: string) => {
    openssl(['req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    const args = [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.crt`,
      '-CAkey',
      `${caName}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '3',
    ];
    if (ext) {
      writeFileSync(join(dir, `${name}.ext`), ext);
      args.push('-extfile', `${name}.ext`);
    }
    openssl(args, dir);
    chmodSync(join(dir, `${name}.key`), 0o600);
    return { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  };
  ca('test-ca');
  const server = leaf('server', 'localhost', 'test-ca', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  const clients: TestCerts['clients'] = {};
  for (const name of clientNames) clients[name] = leaf(`client-${name}`, name, 'test-ca');
  ca('rogue-ca');
  const rogue = { ...leaf('rogue-client', clientNames[0] ?? 'client', 'rogue-ca'), caFile: join(dir, 'rogue-ca.crt') };
  return { dir, caFile: join(dir, 'test-ca.crt'), serverCert: server.certFile, serverKey: server.keyFile, clients, rogue };
}

/**
 * What the README asks of a broker that platform consumers (or a bridge) use: keep far more than
 * mosquitto's default 1,000 messages for a client that is away, bounded by bytes (not 0: with it,
 * mosquitto 2.0.11 dropped bridge connections). The district template sets the same.
 */
export const PLATFORM_QUEUE_CONFIG = 'max_queued_messages 1000000\nmax_queued_bytes 536870912';

export async function startMosquitto(opts: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'sharpeyes-mosquitto-'));
  const port = await freePort();
  const certs = opts.tls ? makeTestCerts(dir, opts.clientNames) : undefined;
  const lines = [
    'user root',
    'log_dest stderr',
    ...(opts.logTypes ?? ['all']).map((t) => `log_type ${t}`),
    'persistence true',
    `persistence_location ${dir}/`,
    `autosave_interval ${opts.autosaveS ?? 1}`,
    'per_listener_settings false',
    `listener ${port} 127.0.0.1`,
  ];
  if (certs) {
    lines.push(`cafile ${certs.caFile}`, `certfile ${certs.serverCert}`, `keyfile ${certs.serverKey}`);
    if (opts.tls === 'mutual') lines.push('require_certificate true', 'use_identity_as_username true');
  }
  if (opts.users) {
    const pw = join(dir, 'passwords');
    writeFileSync(pw, '');
    for (const [user, password] of Object.entries(opts.users))
      execFileSync('mosquitto_passwd', ['-b', pw, user, password], { stdio: 'ignore' });
    lines.push(`password_file ${pw}`);
  }
  lines.push(`allow_anonymous ${opts.users || opts.tls === 'mutual' ? 'false' : 'true'}`);
  if (opts.acl) {
    writeFileSync(join(dir, 'acl'), opts.acl);
    lines.push(`acl_file ${join(dir, 'acl')}`);
  }
  if (opts.extraConfig) lines.push(opts.extraConfig);
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, `${lines.join('\n')}\n`);

  let child: ChildProcess | undefined;
  let stderr = '';
  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once('exit', () => resolve())));

  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    c.kill(signal);
    await exited(c);
    child = undefined;
  };

  const broker: Mosquitto = {
    port,
    url: opts.tls ? `mqtts://localhost:${port}` : `mqtt://127.0.0.1:${port}`,
    dir,
    certs,
    get pid() {
      return child?.pid;
    },
    log: () => stderr,
    async start() {
      if (child) throw new Error('mosquitto already running');
      const c = spawn('mosquitto', ['-c', confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const deadline = Date.now() + 20_000;
      for (;;) {
        if (c.exitCode !== null) {
          child = undefined;
          throw new Error(`mosquitto exited with code ${c.exitCode}:\n${stderr}`);
        }
        if (await canConnect(port)) return;
        if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within 20 s:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await broker.stop();
      await broker.start();
    },
    async dispose() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
