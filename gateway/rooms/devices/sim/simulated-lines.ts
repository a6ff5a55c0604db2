import { join } from 'node:path';
import type { Logger } from '../../../core/logger.js';
import { startSimulator, type SimulatorProcess } from './launcher.js';
import { errMessage } from '../../../core/errors.js';

/**
 * The simulator processes of devices marked `simulate: true`, each owning its socat pty pair
 * and exiting when this process goes away (its stdin closes). They start in the background (the
 * device's serial link keeps retrying until its pty appears), so a slow simulator start never
 * holds up the daemon.
 */
interface Entry {
  gatewaySide: string;
  deviceSide: string;
  sim?: SimulatorProcess;
  starting?: Promise<void>;
}

export class SimulatedLines {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(private readonly ctx: { runDir: string; log: Logger }) {}

  add(opts: { id: string; profileFile: string; address?: number }): { gatewaySide: string; deviceSide: string } {
    const e: Entry = { gatewaySide: join(this.ctx.runDir, `${opts.id}.gw`), deviceSide: join(this.ctx.runDir, `${opts.id}.dev`) };
    this.entries.set(opts.id, e);
    e.starting = (async () => {
      try {
        e.sim = await startSimulator({
          profileFile: opts.profileFile,
          port: e.deviceSide,
          address: opts.address,
          ptyPairGatewaySide: e.gatewaySide,
        });
        if (this.stopped) await e.sim.stop();
        else this.ctx.log.info({ device: opts.id, pty: e.gatewaySide, simulatorPid: e.sim.pid }, 'simulated device running');
      } catch (err) {
        this.ctx.log.error({ device: opts.id, err: errMessage(err) }, 'cannot start the simulated device');
      }
    })();
    return { gatewaySide: e.gatewaySide, deviceSide: e.deviceSide };
  }

  async control(id: string, line: string): Promise<string> {
    const e = this.entries.get(id);
    if (!e) throw new Error(`device ${id} is not simulated`);
    await e.starting;
    if (!e.sim) throw new Error(`the simulator of ${id} is not running`);
    return e.sim.control(line);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const e of this.entries.values()) {
      await e.starting;
      await e.sim?.stop().catch(() => undefined);
    }
    this.entries.clear();
  }
}
