/**
 * Generic device simulator: plays the device side of a serial profile on one end of a pty pair.
 *
 *   node --import tsx scripts/simulators/device-sim.ts --profile barrier-bg300-framed --port /tmp/gate-dev [--control /tmp/gate.sock] [--address 1]
 *
 * Control lines (stdin, or one connection per line on the --control unix socket):
 *   press INPUT | release INPUT | set RESOURCE VALUE | silent on|off | delay MS | garble on|off | state
 * Prints "ready" on stdout once the port is open; each control line is answered with one line.
 */
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger } from '../../gateway/core/logger.js';
import { resolveProfile } from '../../gateway/devices/profiles.js';
import { SerialLink } from '../../gateway/devices/transport/serial.js';
import { SimDevice } from './sim-device.js';

const { values } = parseArgs({ options: { profile: { type: 'string' }, port: { type: 'string' }, control: { type: 'string' }, address: { type: 'string' } } });
if (!values.profile || !values.port) {
  process.stderr.write('usage: device-sim --profile MODEL|FILE --port PTY [--control SOCKET] [--address N]\n');
  process.exit(2);
}
const profile = resolveProfile(values.profile, { baseDir: process.cwd() });
if (profile.transport.type !== 'serial') throw new Error(`${profile.model} is not a serial device`);
const log = createLogger({ level: 'warn' }).child({ component: 'device-sim', model: profile.model });

let readyPrinted = false;
const link: SerialLink = new SerialLink({
  path: values.port,
  line: { baudRate: profile.transport.baudRate, dataBits: profile.transport.dataBits, parity: profile.transport.parity, stopBits: profile.transport.stopBits },
  log,
  minBackoffMs: 100,
  maxBackoffMs: 1000,
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
    return `error ${(err as Error).message}`;
  }
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const out = answer(line);
  if (out) process.stdout.write(`${out}\n`);
});

let server: Server | undefined;
if (values.control) {
  const path = values.control;
  rmSync(path, { force: true });
  server = createServer((sock) => {
    createInterface({ input: sock }).on('line', (line) => sock.write(`${answer(line)}\n`));
    sock.on('error', () => undefined);
  }).listen(path);
}

const quit = () => {
  server?.close();
  if (values.control) rmSync(values.control, { force: true });
  void link.stop().finally(() => process.exit(0));
};
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
