/**
 * SIPp (Debian `sip-tester`) as the platform in interop tests: runs a scenario of ./scenarios
 * in server mode on a free port of 127.0.0.1 and reads back every message it sent and received
 * from its own trace (-trace_msg), so tests assert on what the independent peer saw.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, createServer, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';

export const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');

/** Whether sipp is installed (scripts/install-system-deps.sh installs it). */
export function haveSipp(): boolean {
  return spawnSync('sipp', ['-v'], { stdio: 'ignore' }).error === undefined;
}

/** A port free for both TCP and UDP on 127.0.0.1. */
export async function freeSipPort(): Promise<number> {
  for (;;) {
    const s = createServer();
    const port = await new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
    const u = createSocket('udp4');
    const ok = await new Promise<boolean>((r) => {
      u.once('error', () => r(false));
      u.bind(port, '127.0.0.1', () => r(true));
    });
    await new Promise<void>((r) => u.close(() => r()));
    await new Promise<void>((r) => s.close(() => r()));
    if (ok) return port;
  }
}

export interface SippMessage {
  direction: 'received' | 'sent';
  text: string;
  /** Request method or response status as text ("REGISTER", "200"). */
  first: string;
  callId: string;
}

export class Sipp {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  private exited: Promise<number | null> | undefined;
  private twin: Socket | undefined;
  port = 0;
  stderr = '';

  constructor(
    readonly scenario: string,
    readonly opts: {
      transport: 'udp' | 'tcp';
      set?: Record<string, string | number>;
      port?: number;
      /** Client mode: the device's address, and how many calls to place before exiting. */
      remote?: string;
      calls?: number;
      /** Listen for 3PCC twin commands (scenarios with <recvCmd>) on this port of 127.0.0.1. */
      twinPort?: number;
    } = { transport: 'udp' },
  ) {}

  async start(): Promise<void> {
    this.port = this.opts.port ?? (await freeSipPort());
    const args = [
      '-sf',
      join(SCENARIOS, this.scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(this.port),
      '-t',
      this.opts.transport === 'udp' ? 'u1' : 't1',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      join(this.dir, 'messages.log'),
      '-trace_err',
      '-error_file',
      join(this.dir, 'errors.log'),
      '-deadcall_wait',
      '0',
      '-max_recv_loops',
      '1000',
    ];
    for (const [k, v] of Object.entries(this.opts.set ?? {})) args.push('-set', k, String(v));
    if (this.opts.remote) args.unshift(this.opts.remote);
    if (this.opts.twinPort) args.push('-3pcc', `127.0.0.1:${this.opts.twinPort}`);
    if (this.opts.calls) args.push('-m', String(this.opts.calls), '-timeout', '20s');
    const child = spawn('sipp', args, { cwd: this.dir, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
    if (this.opts.remote) return; // a client runs its calls and exits: see exitCode()
    // Listening once the message log exists or a short while has passed.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && child.exitCode === null) {
      if (existsSync(join(this.dir, 'messages.log'))) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (child.exitCode !== null) throw new Error(`sipp exited (${child.exitCode}): ${this.stderr}`);
  }

  /** Every message in SIPp's trace so far. */
  messages(): SippMessage[] {
    const path = join(this.dir, 'messages.log');
    if (!existsSync(path)) return [];
    const out: SippMessage[] = [];
    for (const block of readFileSync(path, 'latin1').split(/^-{20,}.*$/m)) {
      const m = /^\s*(?:UDP|TCP) message (received|sent)[^\n]*\n\n?([\s\S]*)$/.exec(block.replace(/\r/g, ''));
      if (!m) continue;
      const text = (m[2] as string).trim();
      const startLine = text.split('\n')[0] ?? '';
      const first = startLine.startsWith('SIP/2.0') ? (startLine.split(' ')[1] ?? '') : (startLine.split(' ')[0] ?? '');
      const callId = /^(?:Call-ID|i):\s*(.+)$/im.exec(text)?.[1]?.trim() ?? '';
      out.push({ direction: m[1] as 'received' | 'sent', text, first, callId });
    }
    return out;
  }

  /** Waits until `pred` holds over the messages. */
  async waitFor(pred: (msgs: SippMessage[]) => boolean, what: string, ms = 20_000): Promise<SippMessage[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const msgs = this.messages();
      if (pred(msgs)) return msgs;
      if (Date.now() > deadline)
        throw new Error(
          `SIPp did not see ${what} within ${ms} ms; it saw: ${msgs.map((m) => `${m.direction} ${m.first}`).join(', ')}\n${this.stderr}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Sends a 3PCC twin command to the call `callId`: a scenario waiting in <recvCmd> goes on. The
   * twin connection stays open until stop(): SIPp exits when its twin goes away.
   */
  async command(callId: string): Promise<void> {
    if (!this.twin) {
      const sock = connect({ host: '127.0.0.1', port: this.opts.twinPort as number });
      sock.on('error', () => undefined);
      await new Promise<void>((res, rej) => {
        sock.once('connect', () => res());
        sock.once('error', rej);
      });
      this.twin = sock;
    }
    const twin = this.twin;
    // SIPp ends a control message at ESC and looks the Call-ID header up after a line break.
    await new Promise<void>((res) => twin.write(`go\r\nCall-ID: ${callId}\r\n\r\n\x1b`, () => res()));
  }

  /** SIPp's exit code once it exits by itself (client mode: 0 when every call passed). */
  exitCode(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  errors(): string {
    const p = join(this.dir, 'errors.log');
    return existsSync(p) ? readFileSync(p, 'utf8') : '';
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGTERM'); // before the twin closes
    this.twin?.destroy();
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 2000);
    await this.exited;
    clearTimeout(t);
  }
}

/** The MANSCDP body of a traced MESSAGE (after the blank line). */
export function bodyOf(m: SippMessage): string {
  const i = m.text.indexOf('\n\n');
  return i < 0 ? '' : m.text.slice(i + 2);
}

/** Text of the first <tag> in an XML body. */
export function xmlText(body: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(body)?.[1];
}
