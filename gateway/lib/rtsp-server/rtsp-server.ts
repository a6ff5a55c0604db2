import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** rtsp-test-server.py (beside this file), found from this file's place in the project. */
export const RTSP_TEST_SERVER = resolve(dirname(fileURLToPath(import.meta.url)), './rtsp-test-server.py');
/** Debian's python has python3-gi (GStreamer); the python3 first on PATH may not. */
export const SYSTEM_PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export interface RtspServerOptions {
  port?: number;
  /** mount → file (pre-encoded H.264 MP4 / MKV). */
  files?: Record<string, string>;
  /** mount → "WxH@fps" live moving test pattern. */
  patterns?: Record<string, string>;
  /** mount → raw H.264 file (access unit delimiters, no B-frames) played in a loop at `fps`. */
  loops?: Record<string, { file: string; fps: number }>;
  /** Loops follow the wall clock, like a camera's encoder that never stops: a new client joins mid-GOP. */
  freeRunning?: boolean;
  /** mount → GStreamer launch line "( ... name=pay0 )". */
  launches?: Record<string, string>;
  /** "user:password": require RTSP authentication. */
  auth?: string;
  /** With auth: Basic (default) or Digest. */
  authMethod?: 'basic' | 'digest';
  /** Serve RTSP over TLS only (rtsps://) with this certificate and key (PEM files). */
  tls?: { cert: string; key: string };
  /** Close connections beyond this many at once, as a cheap camera does (0/undefined: no limit). */
  maxClients?: number;
  startTimeoutMs?: number;
}

export interface RtspServer {
  port: number;
  pid: number;
  url(mount: string): string;
  /** SIGTERM, then SIGKILL if still running after 2 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** Freeze / thaw (SIGSTOP / SIGCONT), for fault tests. */
  signal(sig: NodeJS.Signals): void;
  readonly process: ChildProcess;
  /** RTSP connections (one session each) open now, at most at once, and refused over maxClients. */
  readonly clients: { now: number; max: number; refused: number };
}

/**
 * Starts the GStreamer RTSP test server (demo camera, tests, benchmarks) and resolves once it
 * listens. On a fixed port it reuses the port (so a "camera restart" keeps its URL).
 */
export function startRtspServer(opts: RtspServerOptions): Promise<RtspServer> {
  const args = [RTSP_TEST_SERVER, '--port', String(opts.port ?? 0)];
  for (const [m, f] of Object.entries(opts.files ?? {})) args.push('--file', `${m}=${f}`);
  for (const [m, p] of Object.entries(opts.patterns ?? {})) args.push('--pattern', `${m}=${p}`);
  for (const [m, l] of Object.entries(opts.launches ?? {})) args.push('--launch', `${m}=${l}`);
  for (const [m, l] of Object.entries(opts.loops ?? {})) args.push('--loop', `${m}=${l.file}@${l.fps}`);
  if (opts.freeRunning) args.push('--free-running');
  if (opts.tls) args.push('--tls', `${opts.tls.cert},${opts.tls.key}`);
  // The credentials go by environment, not argv: tests check that no password is on any command line.
  if (opts.auth) args.push('--auth-method', opts.authMethod ?? 'basic');
  if (opts.maxClients) args.push('--max-clients', String(opts.maxClients));
  args.push('--report-clients');
  const clients = { now: 0, max: 0, refused: 0 };
  const env = { ...process.env };
  if (opts.auth) env.RTSP_TEST_AUTH = opts.auth;
  else delete env.RTSP_TEST_AUTH;
  const child = spawn(SYSTEM_PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`RTSP test server did not start in time: ${stderr.trim()}`));
    }, opts.startTimeoutMs ?? 20_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`RTSP test server exited (${code}): ${stderr.trim()}`));
    };
    child.once('exit', early);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      clearTimeout(timer);
      let port: number;
      try {
        port = (JSON.parse(line) as { port: number }).port;
      } catch {
        child.kill('SIGKILL');
        reject(new Error(`RTSP test server said ${line}`));
        return;
      }
      child.off('exit', early);
      rl.on('line', (l) => {
        try {
          Object.assign(clients, JSON.parse(l) as typeof clients);
        } catch {
          /* not a report */
        }
      });
      resolvePromise({
        port,
        pid: child.pid!,
        process: child,
        clients,
        url: (mount) => `${opts.tls ? 'rtsps' : 'rtsp'}://127.0.0.1:${port}${mount.startsWith('/') ? mount : `/${mount}`}`,
        signal: (sig) => {
          child.kill(sig);
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGCONT');
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(t);
        },
      });
    });
  });
}
