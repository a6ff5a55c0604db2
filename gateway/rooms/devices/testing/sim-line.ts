import { join } from 'node:path';
import { createLogger } from '../../../core/logger.js';
import { planCommand } from '../command-plan.js';
import type { CommandName, DeviceProfile } from '../../../lib/device-profiles/profile-schema.js';
import { valueToRaw } from '../resources.js';
import { SimDevice } from '../sim/sim-device.js';
import { startPtyPair, type PtyPair } from '../sim/pty-pair.js';
import { SerialLink } from '../transport/serial.js';

/**
 * A simulated device on a socat pty pair, run in this process (not through the gateway's
 * `simulate: true`), so a test or the faults bench sees every request it gets, keeps it across
 * gateway restarts, and can unplug it (no pty at all: a board absent at boot) or plug it in.
 * The gateway opens `gatewaySide` as a configured serial `port`. Not a test file.
 */
export interface SimLine {
  id: string;
  gatewaySide: string;
  sim: SimDevice;
  /** Requests the device understood, oldest first, with the gateway command they were when known. */
  requests: { at: number; name: string; command?: CommandName }[];
  /** Gateway commands recognised in the requests, by name: how many times each reached the device. */
  count(command: CommandName): number;
  /** Whether the gate resource reads open (or closed) at the device now. */
  gateIs(pos: 'open' | 'closed'): boolean;
  plugged: boolean;
  /** Raw bytes from the device side, past the simulator (a faulty or hostile device). */
  write(bytes: Buffer): Promise<void>;
  unplug(): Promise<void>;
  plug(): Promise<void>;
  stop(): Promise<void>;
}

const silent = createLogger({ level: 'silent' });

/** Matches a request against the profile's commands (their first frame or write). */
function recogniser(profile: DeviceProfile): (name: string, detail: Record<string, number> | undefined) => CommandName | undefined {
  const plans: { command: CommandName; name: string; raw: Record<string, number> }[] = [];
  for (const command of Object.keys(profile.commands) as CommandName[]) {
    let plan;
    try {
      plan = planCommand(profile, command);
    } catch {
      continue; // needs an argument
    }
    if (plan.send) plans.push({ command, name: plan.send.message, raw: plan.send.raw });
    const w = plan.writes?.[0];
    const mb = w ? profile.resources[w.resource]?.modbus : undefined;
    if (w && mb) plans.push({ command, name: mb.table === 'coil' ? 'fn5' : 'fn6', raw: { address: mb.address, count: w.raw } });
  }
  return (name, detail) => {
    // The most specific match wins (close and release may share a frame; the first listed is named).
    const hits = plans.filter((p) => p.name === name && Object.entries(p.raw).every(([k, v]) => detail?.[k] === v));
    hits.sort((a, b) => Object.keys(b.raw).length - Object.keys(a.raw).length);
    return hits[0]?.command;
  };
}

export async function openSimLine(opts: { id: string; profile: DeviceProfile; dir: string; plugged?: boolean }): Promise<SimLine> {
  const gw = join(opts.dir, `${opts.id}.gw`);
  const dev = join(opts.dir, `${opts.id}.dev`);
  const recognise = recogniser(opts.profile);
  let pty: PtyPair | undefined;
  const g = opts.profile.gate;
  const gateRes = g ? opts.profile.resources[g.resource] : undefined;
  const line: SimLine = {
    id: opts.id,
    gatewaySide: gw,
    sim: undefined as unknown as SimDevice,
    requests: [],
    count: (c) => line.requests.filter((r) => r.command === c).length,
    gateIs: (pos) => Boolean(g && gateRes && line.sim.state[g.resource] === valueToRaw(gateRes, pos === 'open' ? g.open : g.closed)),
    plugged: false,
    write: (bytes) => link.write(bytes),
    async unplug() {
      const p = pty;
      pty = undefined;
      line.plugged = false;
      await p?.stop();
    },
    async plug() {
      if (pty) return;
      pty = await startPtyPair({ gatewaySide: gw, deviceSide: dev });
      line.plugged = true;
    },
    async stop() {
      await link.stop();
      await line.unplug();
    },
  };
  const link = new SerialLink({
    path: dev,
    line: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
    log: silent,
    minBackoffMs: 50,
    maxBackoffMs: 300,
    watchPathMs: 100,
    onData: (c) => line.sim.receive(c),
    onUp: () => undefined,
    onDown: () => undefined,
  });
  line.sim = new SimDevice({
    profile: opts.profile,
    write: (b) => void link.write(b).catch(() => undefined),
    onRequest: (name, at, detail) => {
      const command = recognise(name, detail);
      line.requests.push({ at, name, ...(command ? { command } : {}) });
    },
  });
  if (opts.plugged !== false) await line.plug();
  link.start();
  return line;
}
