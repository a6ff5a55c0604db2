import { createInterface } from 'node:readline';
import { Device } from '../device.js';
import { gpioEndpoint } from '../gpio-endpoint.js';
import { loadProfileFile } from '../../../lib/device-profiles/profiles.js';
import { quietLog } from './helpers.js';
import { errMessage } from '../../../core/errors.js';

/**
 * A stand-in for the daemon in the GPIO VM tests (gpio-hold.vm.test.ts): one GPIO device as the
 * devices room drives it, in a process of its own that a test can stop (SIGTERM: the device is
 * stopped as the daemon stops it) or kill (-9) while another process samples the line.
 * Usage: node --import tsx gpio-daemon.ts PROFILE CHIP HOLD_DIR. Reads command names on stdin
 * (run urgent, as the fail-safe runs them); prints one JSON line per state change and result.
 */
const [profileFile, chip, holdDir] = process.argv.slice(2) as [string, string, string];
const log = quietLog();
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
const device = new Device({
  id: 'door-1',
  profile: loadProfileFile(profileFile),
  log,
  heartbeatMs: 200,
  observer: {
    online: (d) => say({ online: true, gate: d.gateState }),
    offline: (_d, reason) => say({ online: false, reason }),
    input: () => {},
    gateState: (_d, gate) => say({ gate }),
  },
  connect: (dev) => gpioEndpoint(dev, { chip, log, holdDir }),
});
device.start();
createInterface({ input: process.stdin }).on('line', (name) => {
  device
    .command(name as 'hold_open', undefined, { urgent: true })
    .then((r) => say({ command: name, ok: r.ok, error: r.error }))
    .catch((err: unknown) => say({ command: name, ok: false, error: errMessage(err) }));
});
process.once('SIGTERM', () => {
  void device.stop().then(() => process.exit(0));
});
