import type { DeviceProfile } from '../../../gateway/lib/device-profiles/profile-schema.ts';
import type { SerialLink } from '../../../gateway/rooms/devices/transport/serial.ts';
import type { PtyPair } from '../../../gateway/rooms/devices/sim/pty-pair.ts';
import type { DevicesRoom } from '../../../gateway/rooms/devices/room.ts';
import type { GatewayContext } from '../../../gateway/core/context.ts';
import type { SimDevice } from '../../../gateway/rooms/devices/sim/sim-device.ts';
import { log } from './common.ts';
import type { LaneTrace } from './egress-trace.ts';

/**
 * How the egress bench watches both sides: the gateway's own view (its links, what it sees and
 * sends) and the simulators' state sampled every 5 ms against the grace clock (see egress.ts for
 * when that clock starts and why).
 */
export interface Line {
  id: string;
  profile: DeviceProfile;
  dir: string;
  pty: PtyPair | undefined;
  sim: SimDevice;
  link: SerialLink;
  /** When the simulator's side of the line came back (performance.now()), Infinity while it is down. */
  upSince: number;
  /** When the gateway's own SerialLink opened the line (its onUp), Infinity while it is down. */
  gwUpSince: number;
  /** The timelines of the lanes that use this line. */
  traces: LaneTrace[];
}

export interface Lane {
  profile: string;
  gate: Line;
  fire: Line;
  fireInput: string;
  fireRaw: number;
  fireResource: string;
  gateResource: string;
  openRaw: number;
  /** When the fire input became active (sim side), or undefined. */
  fireSince: number | undefined;
  /** Since when the simulator's gate has been anything but open (a controller that closes by itself starts a new clock). */
  closedSince: number | undefined;
  /** When the gateway saw the fire input active (its debounced device.input), or undefined. */
  gwFireSince: number | undefined;
  /** The simulator's gate and fire values at the last sample (for the timeline). */
  lastGate: number | undefined;
  lastFire: boolean | undefined;
  trace: LaneTrace;
  violating: boolean;
  legacyViolating: boolean;
  violations: number;
  violatingMs: number;
  /** Fire activations not yet answered by an open gate: start of the clock. */
  waitingSince: number | undefined;
  timeToOpen: number[];
  sequences: number;
  steps: Record<string, number>;
}

/** Hooks the gateway's link open/loss and listens to what it publishes, into the lanes' timelines. */
export function watchGateway(room: DevicesRoom, rctx: GatewayContext, lines: Line[], lanes: Lane[]): void {
  // The gateway's own view, watched without changing its code path: its SerialLink's open and
  // loss (Device.linkUp/linkDown, called by the link's onUp/onDown) and what it publishes.
  for (const line of lines) {
    const dev = room.device(line.id);
    if (!dev) throw new Error(`no device ${line.id}`);
    const up = dev.linkUp.bind(dev);
    const down = dev.linkDown.bind(dev);
    // Opened already before this hook was in place: up since the start.
    line.gwUpSince = (dev as unknown as { endpoint?: { link: { isOpen: boolean } } }).endpoint?.link.isOpen ? 0 : Infinity;
    dev.linkUp = () => {
      line.gwUpSince = performance.now();
      for (const t of line.traces) t.add(`${line.id}: gateway link open`);
      up();
    };
    dev.linkDown = (reason: string) => {
      line.gwUpSince = Infinity;
      for (const t of line.traces) t.add(`${line.id}: gateway link lost (${reason})`);
      down(reason);
    };
  }
  const tracesOf = (id: string) => lines.find((x) => x.id === id)?.traces ?? [];
  rctx.bus.on('device.input', (e) => {
    for (const l of lanes)
      if (l.fire.id === e.deviceId && l.fireInput === e.input) {
        l.gwFireSince = e.active ? performance.now() : undefined;
        l.trace.add(`gateway sees ${e.deviceId}/${e.input} ${e.active ? 'ACTIVE' : 'cleared'}`);
      }
  });
  rctx.bus.on('gate.command', (e) => {
    for (const t of tracesOf(e.deviceId))
      if (t.lane === e.deviceId)
        t.add(
          `gateway ${e.command} (${e.origin}): ${e.ok ? 'ok' : `FAILED ${e.error ?? ''}`}${e.note ? ` [${e.note}]` : ''} attempts ${e.attempts} ${Math.round(e.ms)} ms`,
        );
  });
  rctx.bus.on('gate.state', (e) => {
    for (const t of tracesOf(e.deviceId)) if (t.lane === e.deviceId) t.add(`gateway reads gate ${e.state}`);
  });
  rctx.bus.on('device.online', (e) => {
    for (const t of tracesOf(e.deviceId)) t.add(`${e.deviceId}: gateway says online`);
  });
  rctx.bus.on('device.offline', (e) => {
    for (const t of tracesOf(e.deviceId)) t.add(`${e.deviceId}: gateway says offline (${e.reason})`);
  });
}

export interface Sampler {
  stop(): void;
  readonly samples: number;
  readonly maxGap: number;
  /** What the former clock (from when the gateway saw the fire) counted. */
  readonly legacyViolations: number;
}

/** Samples the simulators every 5 ms and counts violations of the grace. */
export function startSampler(lanes: Lane[], graceMs: number): Sampler {
  const opts = { graceMs };
  let samples = 0;
  let maxGap = 0;
  let legacyViolations = 0;
  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    const dt = now - last;
    if (dt > 100) for (const l of lanes) l.trace.add(`(event loop stalled: no sample for ${Math.round(dt)} ms)`);
    last = now;
    samples++;
    for (const l of lanes) {
      const fire = l.fire.sim.state[l.fireResource] === l.fireRaw;
      const gateRaw = l.gate.sim.state[l.gateResource];
      const open = gateRaw === l.openRaw;
      if (gateRaw !== l.lastGate) l.trace.add(`simulator gate ${l.gateResource}=${gateRaw}${open ? ' (open)' : ''}`);
      if (fire !== l.lastFire) l.trace.add(`simulator fire ${fire ? 'ON' : 'off'}`);
      l.lastGate = gateRaw;
      l.lastFire = fire;
      if (fire && l.fireSince === undefined) l.fireSince = now;
      if (!fire) l.fireSince = undefined;
      if (!open && l.closedSince === undefined) l.closedSince = now;
      if (open) l.closedSince = undefined;
      // The former clock (from when the gateway saw the fire, its own link open), kept to show
      // how much it under-counted.
      const legacy =
        fire && !open && l.gwFireSince !== undefined
          ? Math.max(l.fireSince ?? now, l.gwFireSince, l.closedSince ?? now, l.gate.upSince, l.gate.gwUpSince)
          : Infinity;
      const legacyBad = legacy !== Infinity && now - legacy > opts.graceMs;
      if (legacyBad && !l.legacyViolating) legacyViolations++;
      l.legacyViolating = legacyBad;
      // The clock of a closed exit starts at the contact: the fire on at the simulator (not when
      // the gateway saw it: its debounce, poll and reconnects are its own time), or later only
      // for what no gateway can help: the gate closing by itself at the simulator, or a line
      // physically down (the simulator's side of the gate's or the fire input's line).
      const parts: [string, number][] =
        fire && !open
          ? [
              ['contact (simulator fire on)', l.fireSince ?? now],
              ['simulator gate closed', l.closedSince ?? now],
              [`${l.gate.id} simulator side up`, l.gate.upSince],
              [`${l.fire.id} simulator side up`, l.fire.upSince],
            ]
          : [];
      const [from, clock] = parts.reduce<[string, number]>((a, b) => (b[1] > a[1] ? b : a), ['', -Infinity]);
      if (parts.length && clock !== Infinity) {
        l.waitingSince ??= clock;
        const bad = now - clock > opts.graceMs;
        if (bad && !l.violating) {
          l.violations++;
          // Of which: the gateway had not even seen the fire (its input never read active).
          l.trace.violationStarted(l.gwFireSince === undefined ? 'fire-not-seen' : 'gate-not-open', clock, from);
          log(`egress violation: ${l.gate.id} not open (${gateRaw}) ${Math.round(now - clock)} ms after ${from}`);
        }
        if (bad) l.violatingMs += dt;
        if (!bad && l.violating) l.trace.violationEnded(now);
        l.violating = bad;
      } else {
        if (l.waitingSince !== undefined && fire && open) l.timeToOpen.push(now - l.waitingSince);
        if (l.violating) l.trace.violationEnded(now);
        l.waitingSince = undefined;
        l.violating = false;
      }
    }
  }, 5);
  return {
    stop: () => clearInterval(sampler),
    get samples() {
      return samples;
    },
    get maxGap() {
      return maxGap;
    },
    get legacyViolations() {
      return legacyViolations;
    },
  };
}
