import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../../core/logger.js';
import type { CommandPlan } from './command-plan.js';
import type { Device, Endpoint } from './device.js';
import { SerialQueue, type CommandResult, type ExecuteOptions, type ProtocolSession } from './session.js';
import type { ByteLink } from './transport/serial.js';
import { chipInfo, linesHeldBy, monitorLines, readLine, type LineSpec } from './transport/gpio.js';
import { HeldLine } from './transport/gpio-hold.js';
import { Backoff, NO_JITTER } from '../../core/backoff.js';
import { errMessage } from '../../core/errors.js';

/**
 * A GPIO device (button and relay lines on a chip): the "link" is the gpiomon process watching
 * the inputs (up while it runs, restarted with backoff), the "session" drives output lines and
 * applies pulses. Raw line values go through the same shared layer as serial devices.
 *
 * Each output line is held by its own process (transport/gpio-hold.ts), which outlives this
 * daemon: a stop or crash leaves a relay-held exit open, the next start adopts the holder and
 * reports the level it finds, and a re-assert that finds the level already there touches nothing.
 * The device is online once every output's holder answers (a new one waits on standby, the
 * line untouched until the first command).
 * Commands (and pulse releases) run one at a time, as on a serial line: a fail-safe command goes
 * ahead of those waiting, and the guard is checked when a command's turn comes.
 */
export function gpioEndpoint(
  dev: Device,
  opts: {
    chip: string;
    log: Logger;
    holdDir: string;
    /** How long gpiomon may take to hold the input lines before the attempt is retried. */
    monitorStartMs?: number;
  },
): Endpoint {
  const p = dev.profile;
  const inputs = new Map<number, string>();
  const specs = new Map<string, LineSpec>();
  const held = new Map<string, HeldLine>();
  for (const [name, r] of Object.entries(p.resources)) {
    if (!r.gpio) continue;
    const spec: LineSpec = { offset: r.gpio.line, activeLow: r.gpio.activeLow, bias: r.gpio.bias };
    specs.set(name, spec);
    if (r.gpio.direction === 'input') inputs.set(r.gpio.line, name);
    else held.set(name, new HeldLine(opts.chip, spec, opts.holdDir));
  }
  const chipPath = opts.chip.startsWith('/') ? opts.chip : `/dev/${opts.chip}`;
  const queue = new SerialQueue();
  const timers = new Set<NodeJS.Timeout>();
  const restoring = new Set<string>();
  let mon: ChildProcess | undefined;
  let up = false;
  let stopped = true;
  const backoff = new Backoff(500, 10_000, NO_JITTER);
  let retry: NodeJS.Timeout | undefined;

  // The value is on the line once the holder answers; a pulse is timed from then.
  const setLine = async (resource: string, raw: number) => {
    const line = held.get(resource);
    if (!line) throw new Error(`no gpio output line for ${resource}`);
    await line.set(raw ? 1 : 0);
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
          // Each output line's holder: adopted from a previous run (its level is the device's
          // state now) or started on standby, so the first command finds it ready.
          const adopted: Record<string, number> = {};
          for (const [name, line] of held) {
            const s = await line.prepare();
            if (s.value !== null) adopted[name] = s.value;
          }
          if (Object.keys(adopted).length) opts.log.info({ device: dev.id, lines: adopted }, 'gpio outputs still held from the last run');
          const lines = [...inputs.keys()].map((o) => specs.get(inputs.get(o) as string) as LineSpec);
          const initial: Record<string, number> = {};
          for (const name of inputs.values()) initial[name] = await readLine(opts.chip, specs.get(name) as LineSpec);
          if (lines.length) {
            const m = monitorLines(
              opts.chip,
              lines,
              (e) => dev.rawValues({ [inputs.get(e.offset) ?? '']: e.value }),
              (why) => {
                if (mon !== m) return; // an attempt's gpiomon that was given up on
                mon = undefined;
                if (up) {
                  up = false;
                  dev.linkDown(why);
                }
                if (!stopped) schedule();
              },
            );
            mon = m;
          }
          // Online only once gpiomon holds the lines: a change before that would go unseen.
          const deadline = Date.now() + (opts.monitorStartMs ?? 15_000);
          while (lines.length && mon && !linesHeldBy(await chipInfo(opts.chip), [...inputs.keys()])) {
            if (Date.now() > deadline) throw new Error('gpiomon did not take the input lines');
            await new Promise((r) => setTimeout(r, 100));
          }
          if (stopped || (lines.length && !mon)) return;
          backoff.reset();
          up = true;
          dev.linkUp();
          dev.rawValues({ ...adopted, ...initial });
        } catch (err) {
          // A gpiomon this attempt started (slow to take the lines) must not outlive it: it would
          // hold the input lines, and every later attempt's gpioget would find them busy.
          const m = mon;
          mon = undefined;
          m?.kill('SIGTERM');
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
      // The holders keep driving the outputs: a stopping daemon never drops a held exit.
      for (const line of held.values()) line.detach();
    },
    write: () => Promise.reject(new Error('gpio devices have no byte stream')),
    reconnect(reason: string) {
      opts.log.warn({ reason }, 'gpio reconnect');
      mon?.kill('SIGTERM');
    },
  };

  const run = async (plan: CommandPlan): Promise<CommandResult> => {
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
          // The release waits for its turn like any command, and asks the fail-safe then.
          void queue.run(async () => {
            if (!dev.releaseAllowed(w.resource)) return; // the fail-safe holds the gate open
            await setLine(w.resource, w.releaseRaw ?? 0).catch((err: unknown) =>
              dev.fault('pulse-release-failed', { resource: w.resource, err: errMessage(err) }),
            );
          });
        }, w.holdMs);
        timers.add(t);
      }
    }
    return { ok: true, attempts };
  };

  const session: ProtocolSession = {
    execute(plan: CommandPlan, o: ExecuteOptions = {}): Promise<CommandResult> {
      return queue.run(async () => (o.guard && !o.guard() ? { ok: false, attempts: 0, error: 'refused' } : run(plan)), o);
    },
    async heartbeat() {
      // A holder that died let its line go: drive it again at once (it is not waiting for the
      // next command or re-assert), ahead of what waits, as a fail-safe command would be.
      for (const [resource, line] of held) {
        const want = line.wanted;
        if (want === undefined || line.connected || restoring.has(resource)) continue;
        dev.fault('gpio-holder-lost', { resource });
        restoring.add(resource);
        void queue
          .run(() => setLine(resource, want), { urgent: true })
          .catch((err: unknown) => dev.fault('gpio-holder-restart-failed', { resource, err: errMessage(err) }))
          .finally(() => restoring.delete(resource));
      }
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
