/**
 * `npm run -s bench -- gate`: gate and alarm-post latency on a real socat pty pair, with the
 * profile-driven simulator playing the device in this process (so both ends share one clock).
 *  - open_to_wire: device.command('open') called -> the simulator has read the whole frame;
 *  - open_to_ack:  -> the acknowledgement is decoded and the command resolves;
 *  - input_to_event: the simulator writes a loop-change frame -> `device.input` on the bus
 *    (after the SQLite row and outbox event are committed, as in the daemon).
 * BENCH_OPENS and BENCH_INPUTS override the sample counts. Last line: one JSON object.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { loadProfileFile, PROFILES_DIR } from '../../gateway/lib/device-profiles/profiles.ts';
import { startPtyPair } from '../../gateway/rooms/devices/sim/pty-pair.ts';
import { SerialLink } from '../../gateway/rooms/devices/transport/serial.ts';
import { Device, type DeviceObserver } from '../../gateway/rooms/devices/device.ts';
import { serialEndpoint } from '../../gateway/rooms/devices/endpoint.ts';
import { DeviceRecorder } from '../../gateway/rooms/devices/recorder.ts';
import { testContext } from '../../gateway/testing/context.ts';
import { tempDir, until } from '../../gateway/rooms/devices/testing/helpers.ts';
import { SimDevice } from '../../gateway/rooms/devices/sim/sim-device.ts';
import { startSimulator } from '../../gateway/rooms/devices/sim/launcher.ts';
import { percentile } from '../../gateway/core/percentile.ts';

const OPENS = Number(process.env.BENCH_OPENS ?? 500);
const INPUTS = Number(process.env.BENCH_INPUTS ?? 300);
const pct = percentile;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = tempDir('se-bench-gate-');
const file = join(PROFILES_DIR, 'barrier-bg300-framed.yaml');
const profile = loadProfileFile(file);
const ctx = testContext('devices: []');
const pty = await startPtyPair({ gatewaySide: join(dir, 'gw'), deviceSide: join(dir, 'dev') });

let lastRequestAt = 0;
let up = false;
const deviceSide: SerialLink = new SerialLink({
  path: pty.deviceSide,
  line: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
  log: ctx.log,
  onData: (c) => sim.receive(c),
  onUp: () => (up = true),
  onDown: () => undefined,
});
const sim = new SimDevice({
  profile,
  write: (b) => void deviceSide.write(b),
  onRequest: (name, at) => name === 'control' && (lastRequestAt = at),
});
deviceSide.start();
await until(() => up, 'simulator side open');

const recorder = new DeviceRecorder({
  ctx,
  configOf: () => undefined,
  onFire: () => [],
  onGateOnline: () => undefined,
  onGateState: () => undefined,
});
// The recorder as the room uses it, with the moment the driver reported the input noted, to
// split input_to_event into decoding and recording (SQLite row + outbox event, then the bus).
let decodedAt = 0;
const observer: DeviceObserver = {
  online: (d) => recorder.online(d),
  offline: (d, r) => recorder.offline(d, r),
  gateState: (d, st) => recorder.gateState(d, st),
  input: (d, e) => {
    decodedAt = performance.now();
    recorder.input(d, e);
  },
};
const device = new Device({
  id: 'gate-bench',
  profile,
  log: ctx.log,
  observer,
  connect: (d) => serialEndpoint(d, { path: pty.gatewaySide, log: ctx.log }),
});
recorder.registered(device);
device.start();
await until(() => device.online, 'gateway online');

try {
  const wire: number[] = [];
  const ack: number[] = [];
  let failed = 0;
  for (let i = 0; i < OPENS; i++) {
    lastRequestAt = 0;
    const t0 = performance.now();
    const r = await device.command(i % 2 ? 'close' : 'open');
    const t1 = performance.now();
    if (!r.ok || r.attempts !== 1) failed++;
    else {
      ack.push(t1 - t0);
      if (lastRequestAt) wire.push(lastRequestAt - t0);
    }
    await sleep(2);
  }
  log(
    `commands: ${OPENS} (${failed} failed or retried); open_to_wire p50 ${r3(pct(wire, 50))} ms, p95 ${r3(pct(wire, 95))} ms; open_to_ack p50 ${r3(pct(ack, 50))} ms, p95 ${r3(pct(ack, 95))} ms`,
  );

  const input: number[] = [];
  const decode: number[] = [];
  let pressedAt = 0;
  ctx.bus.on('device.input', () => {
    if (pressedAt) {
      input.push(performance.now() - pressedAt);
      decode.push(decodedAt - pressedAt);
    }
    pressedAt = 0;
  });
  for (let i = 0; i < INPUTS; i++) {
    pressedAt = performance.now();
    // Two loops in turn, each changing every other step: every change lands outside its own
    // debounce window, so it is reported at once (the debounce adds no latency to a first edge).
    sim.setInput(i % 2 ? 'loopB' : 'loopA', i % 4 < 2);
    await until(() => pressedAt === 0, 'input event', 5000);
    await sleep(profile.inputs.loopA!.debounceMs / 2 + 10);
  }
  log(
    `inputs: ${INPUTS}; input_to_event p50 ${r3(pct(input, 50))} ms, p99 ${r3(pct(input, 99))} ms (of which decoded by p50 ${r3(pct(decode, 50))} ms, p99 ${r3(pct(decode, 99))} ms)`,
  );

  // The same input path with the simulator in its own process, as the daemon runs it (above, it
  // shares this event loop). Timed from the control line sent to it until the bus event, so the
  // simulator's own reaction time is included.
  const external: number[] = [];
  {
    const pty2 = await startPtyPair({ gatewaySide: join(dir, 'gw2'), deviceSide: join(dir, 'dev2') });
    const simProc = await startSimulator({ profileFile: file, port: pty2.deviceSide });
    let sentAt = 0;
    const dev2 = new Device({
      id: 'gate-bench-2',
      profile,
      log: ctx.log,
      observer: { ...observer, input: (d, e) => recorder.input(d, e) },
      connect: (d) => serialEndpoint(d, { path: pty2.gatewaySide, log: ctx.log }),
    });
    recorder.registered(dev2);
    const off = ctx.bus.on('device.input', (e) => {
      if (e.deviceId === 'gate-bench-2' && sentAt) {
        external.push(performance.now() - sentAt);
        sentAt = 0;
      }
    });
    dev2.start();
    try {
      await until(() => dev2.online, 'external simulator online', 30_000);
      for (let i = 0; i < INPUTS; i++) {
        sentAt = performance.now();
        void simProc.control(`${i % 4 < 2 ? 'press' : 'release'} ${i % 2 ? 'loopB' : 'loopA'}`);
        await until(() => sentAt === 0, 'input event (external simulator)', 5000);
        await sleep(profile.inputs.loopA!.debounceMs / 2 + 10);
      }
    } finally {
      off();
      await dev2.stop();
      await simProc.stop();
      await pty2.stop();
    }
  }
  log(`inputs with the simulator in its own process: p50 ${r3(pct(external, 50))} ms, p99 ${r3(pct(external, 99))} ms`);

  process.stdout.write(
    `${JSON.stringify({
      bench: 'gate',
      profile: profile.model,
      transport: 'socat pty pair; simulator in this process, and in its own for input_to_event_sim_process_*',
      opens: OPENS,
      failed_or_retried: failed,
      open_to_wire_p50_ms: r3(pct(wire, 50)),
      open_to_wire_p95_ms: r3(pct(wire, 95)),
      open_to_wire_max_ms: r3(Math.max(...wire)),
      open_to_ack_p50_ms: r3(pct(ack, 50)),
      open_to_ack_p95_ms: r3(pct(ack, 95)),
      open_to_ack_p99_ms: r3(pct(ack, 99)),
      inputs: input.length,
      input_to_event_p50_ms: r3(pct(input, 50)),
      input_to_event_p99_ms: r3(pct(input, 99)),
      input_to_event_max_ms: r3(Math.max(...input)),
      input_to_decoded_p50_ms: r3(pct(decode, 50)),
      input_to_decoded_p99_ms: r3(pct(decode, 99)),
      input_to_event_sim_process_p50_ms: r3(pct(external, 50)),
      input_to_event_sim_process_p99_ms: r3(pct(external, 99)),
      input_to_event_sim_process_max_ms: r3(Math.max(...external)),
      goal_ms: 10,
      loadavg_1m_at_end: r3(loadavg()[0] as number),
    })}\n`,
  );
} finally {
  await device.stop();
  await deviceSide.stop();
  await pty.stop();
  ctx.dispose();
  rmSync(dir, { recursive: true, force: true });
}
