import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfileFile, PROFILES_DIR } from '../../../gateway/lib/device-profiles/profiles.ts';
import { startPtyPair } from '../../../gateway/rooms/devices/sim/pty-pair.ts';
import { SerialLink } from '../../../gateway/rooms/devices/transport/serial.ts';
import { DevicesRoom } from '../../../gateway/rooms/devices/room.ts';
import { valueToRaw } from '../../../gateway/rooms/devices/resources.ts';
import type { DeviceProfile } from '../../../gateway/lib/device-profiles/profile-schema.ts';
import { startRoom, testContext, TEST_ACTOR } from '../../../gateway/testing/context.ts';
import { createLogger } from '../../../gateway/core/logger.ts';
import { percentile } from '../../../gateway/core/percentile.ts';
import { SimDevice } from '../../../gateway/rooms/devices/sim/sim-device.ts';
import { caseRng, log, Pick, sleep, waitFor } from './common.ts';
import { formatReport, LaneTrace, type ViolationReport } from './egress-trace.ts';
import { startSampler, watchGateway, type Lane, type Line } from './egress-watch.ts';

/**
 * Random sequences of gate commands, pulses, device-side timers (the controller closing by
 * itself), serial reconnects (the socat peer killed and restarted) and fire-input changes, run
 * through the real devices room against the project's simulators. The simulators' own state is
 * sampled every few ms: an egress gate that is not open while its fire input is active, for
 * longer than the grace, is a violation. The grace clock starts at the contact (the fire on at
 * the simulator), or later only for what no gateway can help: the gate closing by itself at the
 * simulator (a new clock) or a line physically down (the simulator's side of the gate's or the
 * fire input's line). The gateway's debounce, poll, reconnect backoff and missed fires all count
 * against it; a violation where the gateway had not even seen the fire is also counted as
 * `egress_violations_fire_not_seen`.
 *
 * Said openly: an earlier version started the clock when the gateway had seen the fire (its
 * debounced device.input) and its own link was open, which hid the gateway's own delays;
 * `egress_violations_gateway_clock` still counts what that clock would say. Each violation keeps
 * its sequence (seed, lane, index, steps) and a timeline of both sides; the first
 * FAULTS_EGRESS_SHOW are printed. The sampler and the gateway share one event loop: on a loaded
 * box both stall alike, and the timeline marks stalls over 100 ms.
 *
 * Each group has a relay board whose fire contact (in4) holds open itself and a barrier (which
 * has no fire input of its own), and a turnstile held open by its own fire input: three lanes,
 * one per egress-capable serial profile, each running its own sequences.
 */
const silent = createLogger({ level: 'silent' });

export interface EgressResult {
  egress_profiles: string[];
  egress_sequences: Record<string, number>;
  egress_steps: Record<string, number>;
  egress_violations: number;
  egress_violations_by_profile: Record<string, number>;
  /** Of which: fires the gateway never saw (counted from when it could have). */
  egress_violations_fire_not_seen: number;
  /** What the former clock would have counted (grace from when the gateway saw the fire and its own link opened). */
  egress_violations_gateway_clock: number;
  egress_violating_ms: number;
  egress_grace_ms: number;
  egress_fire_to_open_p50_ms: number;
  egress_fire_to_open_p99_ms: number;
  egress_fire_to_open_max_ms: number;
  egress_samples: number;
  egress_max_sample_gap_ms: number;
  egress_seconds: number;
}

async function openLine(id: string, profile: DeviceProfile, dir: string): Promise<Line> {
  const gw = join(dir, `${id}.gw`);
  const dev = join(dir, `${id}.dev`);
  const pty = await startPtyPair({ gatewaySide: gw, deviceSide: dev });
  const line = { id, profile, dir, pty, upSince: Infinity, gwUpSince: Infinity, traces: [] as LaneTrace[] } as Line;
  line.link = new SerialLink({
    path: dev,
    line: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    log: silent,
    minBackoffMs: 50,
    maxBackoffMs: 300,
    watchPathMs: 100, // notices the replugged pty by its path, as the project's simulator does
    onData: (c) => line.sim.receive(c),
    // The simulator listens only once its own side of the line is open again (its backoff and
    // path watch), not when socat is restarted.
    onUp: () => {
      line.upSince = performance.now();
      for (const t of line.traces) t.add(`${id}: simulator link open`);
    },
    onDown: () => {
      line.upSince = Infinity;
    },
  });
  line.sim = new SimDevice({ profile, write: (b) => void line.link.write(b).catch(() => undefined) });
  line.link.start();
  return line;
}

/** Kills the socat peer (an unplug) and starts another with the same names after `downMs`. */
async function replug(line: Line, downMs: number): Promise<void> {
  const pty = line.pty;
  line.pty = undefined;
  for (const t of line.traces) t.add(`${line.id}: unplugged (socat killed) for ${downMs} ms`);
  await pty?.stop();
  await sleep(downMs);
  line.pty = await startPtyPair({ gatewaySide: join(line.dir, `${line.id}.gw`), deviceSide: join(line.dir, `${line.id}.dev`) });
  for (const t of line.traces) t.add(`${line.id}: replugged (simulator side)`);
}

const MOVES = ['open', 'close', 'hold_open', 'release', 'pulse'] as const;

/** One random sequence of 3..10 steps on a lane. */
async function sequence(lane: Lane, p: Pick, run: (cmd: string, arg?: number) => Promise<unknown>, busy: Set<Line>): Promise<void> {
  const steps = p.range(3, 10);
  const pending: Promise<unknown>[] = [];
  const cmds = MOVES.filter((c) => lane.gate.profile.commands[c]);
  for (let s = 0; s < steps; s++) {
    const k = p.int(100);
    let step: string;
    if (k < 30) {
      step = 'command';
      const cmd = p.one(cmds);
      const param = lane.gate.profile.commands[cmd]?.param;
      const arg = cmd === 'pulse' && param ? p.range(param.min ?? 100, Math.min(param.max ?? 2000, 3000)) : undefined;
      lane.trace.step(`command ${cmd}${arg === undefined ? '' : ` ${arg}`}`);
      pending.push(run(cmd, arg));
    } else if (k < 50) {
      step = 'fire';
      const on = p.chance(0.55);
      lane.trace.step(`fire ${on ? 'on' : 'off'}`);
      lane.fire.sim.setInput(lane.fireInput, on);
    } else if (k < 55) {
      step = 'fire-bounce';
      const n = p.range(2, 5);
      for (let b = 0; b < n; b++) {
        const on = p.chance(0.5);
        const ms = p.range(5, 120);
        lane.trace.step(`fire-bounce ${on ? 'on' : 'off'} ${ms} ms`);
        lane.fire.sim.setInput(lane.fireInput, on);
        await sleep(ms);
      }
    } else if (k < 63) {
      step = 'device-timer';
      // The controller closes by itself (its own auto-close timer, a power dip), unreported.
      lane.trace.step('device-timer (the controller closes by itself)');
      const g = lane.gate.profile.gate!;
      lane.gate.sim.setValue(g.resource, g.closed);
    } else if (k < 71) {
      step = 'reconnect';
      const line = p.chance(0.6) ? lane.gate : lane.fire;
      const ms = p.range(30, 600);
      lane.trace.step(`reconnect ${line.id} ${ms} ms${busy.has(line) ? ' (skipped: already down)' : ''}`);
      if (!busy.has(line)) {
        busy.add(line);
        pending.push(replug(line, ms).finally(() => busy.delete(line)));
      }
    } else {
      step = 'wait';
      lane.trace.step('wait');
    }
    lane.steps[step] = (lane.steps[step] ?? 0) + 1;
    await sleep(p.range(5, 250));
  }
  await Promise.allSettled(pending);
  lane.sequences++;
}

export async function runEgress(opts: {
  sequences: number;
  lanes: number;
  seed: number;
  graceMs: number;
  /** How many violations are printed with their sequence and timeline. */
  show: number;
}): Promise<EgressResult> {
  const t0 = performance.now();
  const board = loadProfileFile(join(PROFILES_DIR, 'relay-board-4ch-modbus.yaml'));
  const barrier = loadProfileFile(join(PROFILES_DIR, 'barrier-bg300-framed.yaml'));
  const turnstile = loadProfileFile(join(PROFILES_DIR, 'turnstile-ts100-framed.yaml'));
  const dir = mkdtempSync(join(tmpdir(), 'se-faults-egress-'));
  const lanes: Lane[] = [];
  const lines: Line[] = [];
  const devices: string[] = [];
  const fireOf = (pr: DeviceProfile) => Object.entries(pr.inputs).find(([, i]) => i.kind === 'fire_alarm')!;
  const lane = (profile: string, gate: Line, fire: Line): Lane => {
    const [fireInput, spec] = fireOf(fire.profile);
    const g = gate.profile.gate!;
    const trace = new LaneTrace(gate.id, profile, opts.show);
    gate.traces.push(trace);
    if (fire !== gate) fire.traces.push(trace);
    return {
      trace,
      gwFireSince: undefined,
      closedSince: undefined,
      lastGate: undefined,
      lastFire: undefined,
      profile,
      gate,
      fire,
      fireInput,
      fireResource: spec.resource,
      fireRaw: valueToRaw(fire.profile.resources[spec.resource]!, spec.active),
      gateResource: g.resource,
      openRaw: valueToRaw(gate.profile.resources[g.resource]!, g.open),
      fireSince: undefined,
      violating: false,
      legacyViolating: false,
      violations: 0,
      violatingMs: 0,
      waitingSince: undefined,
      timeToOpen: [],
      sequences: 0,
      steps: {},
    };
  };
  for (let i = 0; i < opts.lanes; i++) {
    const b = await openLine(`board-${i}`, board, dir);
    const r = await openLine(`barrier-${i}`, barrier, dir);
    const t = await openLine(`turn-${i}`, turnstile, dir);
    lines.push(b, r, t);
    devices.push(
      `  - { id: board-${i}, profile: relay-board-4ch-modbus, port: ${join(dir, `board-${i}.gw`)}, egress: [board-${i}, barrier-${i}] }`,
      `  - { id: barrier-${i}, profile: barrier-bg300-framed, port: ${join(dir, `barrier-${i}.gw`)} }`,
      `  - { id: turn-${i}, profile: turnstile-ts100-framed, port: ${join(dir, `turn-${i}.gw`)}, egress: [turn-${i}] }`,
    );
    lanes.push(lane(board.model, b, b), lane(barrier.model, r, b), lane(turnstile.model, t, t));
  }
  const rctx = testContext(`devices:\n${devices.join('\n')}\n`, { dir });
  const room = new DevicesRoom(rctx);
  const stopRoom = await startRoom(rctx, room);
  watchGateway(room, rctx, lines, lanes);
  const sampler = startSampler(lanes, opts.graceMs);
  try {
    const ok = await waitFor(() => room.list().every((d) => d.online), 60_000);
    if (!ok)
      throw new Error(
        `devices not online: ${room
          .list()
          .filter((d) => !d.online)
          .map((d) => d.id)
          .join(', ')}`,
      );
    const busy = new Set<Line>();
    await Promise.all(
      lanes.map(async (l, li) => {
        const run = (command: string, arg?: number) =>
          rctx.actions
            .run('gate/command', { gateId: l.gate.id, command, ...(arg === undefined ? {} : { arg }) }, TEST_ACTOR)
            .catch(() => undefined);
        for (let s = 0; s < opts.sequences; s++) {
          const started = performance.now();
          const watch = setInterval(() => {
            const d = room.list().find((x) => x.id === l.gate.id);
            log(
              `egress: ${l.gate.id} sequence ${s} running for ${Math.round((performance.now() - started) / 1000)} s: ${JSON.stringify({ online: d?.online, gate: d?.gate, commands: d?.commands, pty: Boolean(l.gate.pty), firePty: Boolean(l.fire.pty), simLinkUp: l.gate.link.isOpen, simReceived: l.gate.sim.received, gwLink: (room.device(l.gate.id) as unknown as { endpoint?: { link: { isOpen: boolean; port?: { isOpen: boolean } } } }).endpoint?.link.isOpen, gwPort: (room.device(l.gate.id) as unknown as { endpoint?: { link: { port?: { isOpen: boolean; writableLength: number } } } }).endpoint?.link.port?.writableLength })}`,
            );
          }, 20_000);
          l.trace.newSequence(s);
          await sequence(l, new Pick(caseRng(opts.seed, `egress-${li}`, s)), run, busy).finally(() => clearInterval(watch));
          if (li === 0 && s % 50 === 49) log(`egress: ${s + 1}/${opts.sequences} sequences per lane`);
        }
      }),
    );
    // The last fire may still be on: the sampler keeps watching through one more grace period.
    await sleep(opts.graceMs + 500);
    for (const l of lanes) l.fire.sim.setInput(l.fireInput, false);
  } finally {
    sampler.stop();
    await stopRoom();
    for (const l of lines) {
      await l.link.stop();
      await l.pty?.stop();
    }
    rctx.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  const by: Record<string, number> = {};
  const seqs: Record<string, number> = {};
  const steps: Record<string, number> = {};
  const tto: number[] = [];
  for (const l of lanes) {
    by[l.profile] = (by[l.profile] ?? 0) + l.violations;
    seqs[l.profile] = (seqs[l.profile] ?? 0) + l.sequences;
    for (const [k, v] of Object.entries(l.steps)) steps[k] = (steps[k] ?? 0) + v;
    tto.push(...l.timeToOpen);
  }
  const r0 = (x: number) => Math.round(x);
  const reports: ViolationReport[] = lanes.flatMap((l) => l.trace.reports).sort((a, b) => a.clockAt - b.clockAt);
  for (const r of reports.slice(0, opts.show))
    log(`egress violation, replay with FAULTS_SEED=${opts.seed}:\n${formatReport(r, opts.graceMs)}`);
  return {
    egress_profiles: [board.model, barrier.model, turnstile.model],
    egress_sequences: seqs,
    egress_steps: steps,
    egress_violations: Object.values(by).reduce((a, b) => a + b, 0),
    egress_violations_by_profile: by,
    egress_violations_fire_not_seen: lanes.reduce((a, l) => a + l.trace.reports.filter((r) => r.kind === 'fire-not-seen').length, 0),
    egress_violations_gateway_clock: sampler.legacyViolations,
    egress_violating_ms: r0(lanes.reduce((a, l) => a + l.violatingMs, 0)),
    egress_grace_ms: opts.graceMs,
    egress_fire_to_open_p50_ms: r0(percentile(tto, 50)),
    egress_fire_to_open_p99_ms: r0(percentile(tto, 99)),
    egress_fire_to_open_max_ms: r0(Math.max(0, ...tto)),
    egress_samples: sampler.samples,
    egress_max_sample_gap_ms: r0(sampler.maxGap),
    egress_seconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}
