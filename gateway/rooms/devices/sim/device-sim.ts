/**
 * Generic device simulator: plays the device side of a serial profile on one end of a pty pair.
 *
 *   node --import tsx gateway/rooms/devices/sim/device-sim.ts --profile barrier-bg300-framed --port /tmp/gate-dev [--control /tmp/gate.sock] [--address 1]
 *        [--pty-pair /tmp/gate-gw] [--exit-with-stdin]
 *
 * --pty-pair makes the simulator start the socat pty pair itself (gateway side at that path,
 * device side at --port) and stop it when it exits; --exit-with-stdin exits when stdin closes,
 * so simulators started by the gateway never outlive it, even after a kill -9.
 *
 * Control lines (stdin, or one connection per line on the --control unix socket):
 *   press INPUT | release INPUT | set RESOURCE VALUE | silent on|off | delay MS | garble on|off | state
 * Prints "ready" on stdout once the port is open; each control line is answered with one line.
 */
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../../../core/logger.js';
import { resolveProfile } from '../../../lib/device-profiles/profiles.js';
import { SerialLink } from '../transport/serial.js';
import { SimDevice } from './sim-device.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';
import { errMessage } from '../../../core/errors.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string' },
    port: { type: 'string' },
    control: { type: 'string' },
    address: { type: 'string' },
    'pty-pair': { type: 'string' },
    'exit-with-stdin': { type: 'boolean' },
  },
});
if (!values.profile || !values.port) {
  process.stderr.write('usage: device-sim --profile MODEL|FILE --port PTY [--control SOCKET] [--address N]\n');
  process.exit(2);
}
const profile = resolveProfile(values.profile, { baseDir: process.cwd() });
if (profile.transport.type !== 'serial') throw new Error(`${profile.model} is not a serial device`);
const log = createLogger({ level: 'warn' }).child({ component: 'device-sim', model: profile.model });

let pty: PtyPair | undefined;
if (values['pty-pair']) pty = await startPtyPair({ gatewaySide: values['pty-pair'], deviceSide: values.port });

let readyPrinted = false;
const link: SerialLink = new SerialLink({
  path: values.port,
  line: {
    baudRate: profile.transport.baudRate,
    dataBits: profile.transport.dataBits,
    parity: profile.transport.parity,
    stopBits: profile.transport.stopBits,
  },
  log,
  minBackoffMs: 100,
  maxBackoffMs: 1000,
  watchPathMs: 300, // the device side has no heartbeat of its own: notice a replugged pty by its path
  onData: (chunk) => sim.receive(chunk),
  onUp: () => {
    if (!readyPrinted) process.stdout.write('ready\n');
    readyPrinted = true;
  },
  onDown: () => undefined,
});
const sim = new SimDevice({
  profile,
  address: values.address ? Number(values.address) : undefined,
  write: (b) => void link.write(b).catch(() => undefined),
});
link.start();

const answer = (line: string): string => {
  if (!line.trim()) return '';
  try {
    return sim.control(line);
  } catch (err) {
    return `error ${errMessage(err)}`;
  }
};

const stdin = createInterface({ input: process.stdin });
stdin.on('line', (line) => {
  const out = answer(line);
  if (out) process.stdout.write(`${out}\n`);
});
if (values['exit-with-stdin']) stdin.on('close', () => quit());

let server: Server | undefined;
if (values.control) {
  const path = values.control;
  rmSync(path, { force: true });
  server = createServer((sock) => {
    createInterface({ input: sock }).on('line', (line) => sock.write(`${answer(line)}\n`));
    sock.on('error', () => undefined);
  }).listen(path);
}

function quit(): void {
  server?.close();
  if (values.control) rmSync(values.control, { force: true });
  void link
    .stop()
    .then(() => pty?.stop())
    .finally(() => process.exit(0));
}
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
