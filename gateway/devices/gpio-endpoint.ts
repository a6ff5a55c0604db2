import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../core/logger.js';
import type { CommandPlan } from './command-plan.js';
import type { Device, Endpoint } from './device.js';
import type { CommandResult, ProtocolSession } from './session.js';
import type { ByteLink } from './transport/serial.js';
import { chipInfo, driveLine, linesHeldBy, monitorLines, readLine, type LineSpec } from './transport/gpio.js';
import { Backoff, NO_JITTER } from '../core/backoff.js';
import { errMessage } from '../core/errors.js';

/**
 * A GPIO device (button and relay lines on a chip): the "link" is the gpiomon process watching
 * the inputs (up while it runs, restarted with backoff), the "session" drives output lines with
 * gpioset and applies pulses. Raw line values go through the same shared layer as serial devices.
 */
export function gpioEndpoint(dev: Device, opts: { chip: string; log: Logger }): Endpoint {
  const p = dev.profile;
  const inputs = new Map<number, string>();
  const specs = new Map<string, LineSpec>();
  for (const [name, r] of Object.entries(p.resources)) {
    if (!r.gpio) continue;
    specs.set(name, { offset: r.gpio.line, activeLow: r.gpio.activeLow, bias: r.gpio.bias });
    if (r.gpio.direction === 'input') inputs.set(r.gpio.line, name);
  }
  const chipPath = opts.chip.startsWith('/') ? opts.chip : `/dev/${opts.chip}`;
  const drivers = new Map<string, ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let mon: ChildProcess | undefined;
  let up = false;
  let stopped = true;
  const backoff = new Backoff(500, 10_000, NO_JITTER);
  let retry: NodeJS.Timeout | undefined;

  const setLine = async (resource: string, raw: number) => {
    const spec = specs.get(resource);
    if (!spec) throw new Error(`no gpio line for ${resource}`);
    // One holder per line: the previous gpioset must have let go before the next can take it.
    const old = drivers.get(resource);
    if (old && old.exitCode === null && old.signalCode === null) {
      const gone = new Promise<void>((r) => old.once('exit', () => r()));
      old.kill('SIGTERM');
      await gone;
    }
    const d = driveLine(opts.chip, spec, raw ? 1 : 0);
    drivers.set(resource, d.child);
    await d.done;
    // The value is on the line once gpioset holds it; a pulse is timed from then.
    const deadline = Date.now() + 10_000;
    while (!linesHeldBy(await chipInfo(opts.chip), [spec.offset], 'gpioset')) {
      if (d.child.exitCode !== null || Date.now() > deadline) throw new Error(`gpioset could not drive line ${spec.offset}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    dev.rawValues({ [resource]: raw ? 1 : 0 });
  };

  const link: ByteLink = {
    get isOpen() {
      return up;
    },
    start() {
      stopped = false;
      const connect = async () => {
        retry = undefined;
        if (stopped) return;
        try {
          if (!existsSync(chipPath)) throw new Error(`${chipPath} does not exist`);
          const lines = [...inputs.keys()].map((o) => specs.get(inputs.get(o) as string) as LineSpec);
          const initial: Record<string, number> = {};
          for (const name of inputs.values()) initial[name] = await readLine(opts.chip, specs.get(name) as LineSpec);
          if (lines.length) {
            mon = monitorLines(
              opts.chip,
              lines,
              (e) => dev.rawValues({ [inputs.get(e.offset) ?? '']: e.value }),
              (why) => {
                mon = undefined;
                if (up) {
                  up = false;
                  dev.linkDown(why);
                }
                if (!stopped) schedule();
              },
            );
          }
          // Online only once gpiomon holds the lines: a change before that would go unseen.
          const deadline = Date.now() + 15_000;
          while (lines.length && mon && !linesHeldBy(await chipInfo(opts.chip), [...inputs.keys()])) {
            if (Date.now() > deadline) throw new Error('gpiomon did not take the input lines');
            await new Promise((r) => setTimeout(r, 100));
          }
          if (stopped || (lines.length && !mon)) return;
          backoff.reset();
          up = true;
          dev.linkUp();
          dev.rawValues(initial);
        } catch (err) {
          opts.log.debug({ chip: opts.chip, err: errMessage(err) }, 'gpio not available');
          schedule();
        }
      };
      const schedule = () => {
        if (retry || stopped) return;
        retry = setTimeout(() => void connect(), backoff.next());
      };
      void connect();
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      up = false;
      mon?.kill('SIGTERM');
      for (const c of drivers.values()) c.kill('SIGTERM');
      drivers.clear();
    },
    write: () => Promise.reject(new Error('gpio devices have no byte stream')),
    reconnect(reason: string) {
      opts.log.warn({ reason }, 'gpio reconnect');
      mon?.kill('SIGTERM');
    },
  };

  const session: ProtocolSession = {
    async execute(plan: CommandPlan): Promise<CommandResult> {
      let attempts = 0;
      for (const w of plan.writes ?? []) {
        attempts++;
        try {
          await setLine(w.resource, w.raw);
        } catch (err) {
          return { ok: false, attempts, error: `gpio: ${errMessage(err)}` };
        }
        if (w.holdMs !== undefined) {
          const t = setTimeout(() => {
            timers.delete(t);
            if (!dev.releaseAllowed(w.resource)) return; // the fail-safe holds the gate open
            setLine(w.resource, w.releaseRaw ?? 0).catch((err: unknown) =>
              dev.fault('pulse-release-failed', { resource: w.resource, err: errMessage(err) }),
            );
          }, w.holdMs);
          timers.add(t);
        }
      }
      return { ok: true, attempts };
    },
    async heartbeat() {
      return existsSync(chipPath) && (inputs.size === 0 || mon !== undefined);
    },
    onBytes() {},
    onLinkDown() {},
    stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return { link, session };
}
