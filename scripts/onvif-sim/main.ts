// ONVIF device simulator, standalone: node --import tsx scripts/onvif-sim/main.ts --rtsp rtsp://127.0.0.1:8554/test
// Prints one JSON line {"port": N, "device": URL} when it listens; stops on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { OnvifSimulator, type SimFault } from './simulator.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    rtsp: { type: 'string' },
    'rtsp-sub': { type: 'string' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string', default: 'admin' },
    discovery: { type: 'boolean', default: false },
    fault: { type: 'string', default: 'none' },
    'motion-every': { type: 'string', default: '0' },
    model: { type: 'string' },
    serial: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
if (!values.rtsp) {
  process.stderr.write(
    'usage: onvif-sim --rtsp URL [--host H] [--port N] [--user U --password P] [--discovery] [--fault malformed|enormous|xxe|garbage|hang] [--motion-every S]\n',
  );
  process.exit(2);
}
const sim = new OnvifSimulator({
  host: values.host,
  port: Number(values.port),
  username: values.user,
  password: values.password,
  mainStreamUri: values.rtsp,
  subStreamUri: values['rtsp-sub'],
  discovery: values.discovery,
  fault: values.fault as SimFault,
  model: values.model,
  serial: values.serial,
  onRequest: values.verbose ? (action, body, url) => process.stderr.write(`${url} ${action}\n${body}\n\n`) : undefined,
});
await sim.start();
process.stdout.write(`${JSON.stringify({ port: sim.port, device: sim.deviceUrl })}\n`);
const every = Number(values['motion-every']);
let motion = false;
const timer = every > 0 ? setInterval(() => sim.emitMotion((motion = !motion)), every * 1000) : undefined;
const stop = () => {
  if (timer) clearInterval(timer);
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
