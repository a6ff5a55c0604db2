import { mkdirSync } from 'node:fs';
import { shownPosition } from './gate-position.js';
import { join } from 'node:path';
import type { GatewayContext } from '../../core/context.js';
import type { ActionTable } from '../../core/actions.js';
import type { Room, Scope } from '../../core/room.js';
import { errMessage } from '../../core/errors.js';
import { backoffDelay, NO_JITTER } from '../../core/backoff.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import type { DeviceConfig } from '../../config/sections/devices.js';
import { Device, type Endpoint } from './device.js';
import { serialEndpoint } from './endpoint.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { movesGate, type FailSafePolicy, type SafetyCommand, type Verdict } from './failsafe.js';
import { FireWatch } from './fire-watch.js';
import { DeviceRecorder } from './recorder.js';
import { readProfileFile, resolveProfileFile } from '../../lib/device-profiles/profiles.js';
import type { CommandName, DeviceProfile } from '../../lib/device-profiles/profile-schema.js';
import { CommandError } from './command-plan.js';
import { SimulatedLines } from './sim/simulated-lines.js';
import { registerDeviceActions } from './actions.js';
import type { DeviceDirectory, DeviceInfo, DevicesService, FireInputs, GateResult } from './services.js';

export type { DeviceDirectory, DeviceInfo, DevicesService, FireInputs, GateControl, GateResult } from './services.js';

/**
 * The devices room: gates, turnstiles, alarm posts and IO boards from the config, each driven
 * through its profile. Devices marked `simulate: true` get a socat pty pair and the project's
 * simulator, started here. Gate commands go through one door (`run`), which applies the
 * fail-safe policy and records every result.
 *
 * Fire safety across restarts: the fire state (which fire inputs were active) is read from its
 * file before any device is started, and every fire input is "unknown" until read from the wire
 * (its device's `fireUnknown`, hold-open by default, holds its egress gates meanwhile): no
 * start, restart or failed start sends `close` to an egress gate before its fire inputs read clear.
 */

export class DevicesRoom implements Room, DevicesService, DeviceDirectory, FireInputs {
  readonly name = 'devices';
  private readonly ctx: GatewayContext;
  private readonly log: Logger;
  private readonly devices = new Map<string, Device>();
  private readonly configs = new Map<string, DeviceConfig>();
  private readonly fire: FireWatch;
  /** Pending hold-open retries (timers of the room's scope), by gate: the cancel of each. */
  private readonly retries = new Map<string, () => void>();
  private scope: Scope | undefined;
  /** Gates with a fail-safe command on their line now, and the next one decided meanwhile (coalesced). */
  private readonly safetyRunning = new Set<string>();
  private readonly safetyNext = new Map<string, SafetyCommand>();
  private recorder: DeviceRecorder | undefined;
  private stopping = false;
  private readonly sims: SimulatedLines;

  constructor(ctx: GatewayContext) {
    this.ctx = ctx;
    this.log = componentLogger(ctx.log, 'devices');
    this.sims = new SimulatedLines({ runDir: join(ctx.dataDir, 'run', 'devices'), log: this.log });
    for (const cfg of ctx.loaded.config.devices) this.configs.set(cfg.id, cfg);
    this.fire = new FireWatch(ctx, this.log, this.configs, (s) => this.safety(s));
  }

  private get policy(): FailSafePolicy {
    return this.fire.policy;
  }

  registerActions(actions: ActionTable): void {
    registerDeviceActions(actions, this);
  }

  async start(scope: Scope): Promise<void> {
    this.scope = scope;
    mkdirSync(join(this.ctx.dataDir, 'run', 'devices'), { recursive: true });
    const recorder = new DeviceRecorder({
      ctx: this.ctx,
      configOf: (id) => this.configs.get(id),
      onFire: (dev, input, active) => this.fire.onFire(dev, input, active),
      onGateOnline: (dev) => this.safety(this.policy.onGateOnline(dev.id)),
      onGateState: (dev, state) => this.onGateState(dev, state),
      onFireRead: (dev, input, active) => void this.fire.onFire(dev, input, active),
      // Devices going offline because the room stops are not a supervision fault.
      onOffline: (dev) => !this.stopping && this.fire.onOffline(dev),
    });
    this.recorder = recorder;
    const profiles: { cfg: DeviceConfig; file: string; profile: DeviceProfile }[] = [];
    for (const cfg of this.configs.values()) {
      // The config check (gateway/check-config.ts) resolved every profile and refused a serial
      // device without a port: here they are only read.
      const file = resolveProfileFile(cfg.profile, { baseDir: this.ctx.loaded.baseDir });
      const { profile, warnings } = readProfileFile(file);
      for (const w of warnings) this.log.warn({ device: cfg.id, file }, w);
      profiles.push({ cfg, file, profile });
    }
    // The fire state before any device command: what was active stays active until read clear,
    // and every fire input is unknown (holding its gates, by default) until read.
    this.fire.restore(profiles, scope);
    for (const { cfg, file, profile } of profiles) {
      const log = this.log.child({ device: cfg.id });
      const device = new Device({
        id: cfg.id,
        profile,
        log,
        observer: recorder,
        connect: (dev) => this.connect(dev, cfg, file, log),
        releaseAllowed: () => !this.policy.isHeldOpen(cfg.id),
      });
      this.devices.set(cfg.id, device);
      recorder.registered(device);
    }
    for (const d of this.devices.values()) d.start();
    // Hold-open is re-asserted while a fire alarm lasts: a controller that closed by itself
    // (its own timer, a power dip) without reporting it is opened again within this period.
    scope.every(REASSERT_MS, () => {
      for (const gateId of this.policy.heldGates())
        if (this.devices.get(gateId)?.online)
          this.safety({ gateId, command: 'hold_open', reason: 'fire alarm active: periodic re-assert' });
    });
    scope.add(() => this.retries.clear()); // their timers close with the scope
  }

  private connect(dev: Device, cfg: DeviceConfig, profileFile: string, log: Logger): Endpoint {
    const t = dev.profile.transport;
    if (t.type === 'gpio') return gpioEndpoint(dev, { chip: cfg.chip ?? t.chip, log, holdDir: join(this.ctx.dataDir, 'run', 'gpio') });
    if (cfg.simulate) {
      const lines = this.sims.add({ id: cfg.id, profileFile, address: cfg.unitId });
      return serialEndpoint(dev, { path: lines.gatewaySide, unitId: cfg.unitId, log, minBackoffMs: 100, maxBackoffMs: 2000 });
    }
    if (!cfg.port) throw new Error(`device ${cfg.id}: no port (the config check refuses this config)`);
    return serialEndpoint(dev, { path: cfg.port, unitId: cfg.unitId, log });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Fail safe on the way out: close gates that answer, unless a fire input holds them open
    // (active, or not read since start: a failed start never closes an egress gate).
    await Promise.all(
      [...this.devices.values()]
        .filter((d) => d.profile.gate && d.online && d.profile.commands.close && !this.policy.isHeldOpen(d.id))
        .map((d) => this.run(d.id, 'close', { origin: 'shutdown' }).catch(() => undefined)),
    );
    for (const d of this.devices.values()) {
      try {
        await d.stop();
      } catch (err) {
        this.log.warn({ device: d.id, err: errMessage(err) }, 'device stop failed');
      }
    }
    this.devices.clear();
    this.recorder?.flushStates();
    this.recorder?.cancel();
    await this.fire.flushed();
    await this.sims.stop();
  }

  summary(): string[] {
    return [...this.devices.values()].map(
      (d) => `device ${d.id}: ${d.profile.model}${this.configs.get(d.id)?.simulate ? ' (simulated on a pty)' : ''}`,
    );
  }

  list() {
    return [...this.devices.values()].map((d) => ({
      ...d.snapshot(),
      name: this.configs.get(d.id)?.name,
      displayName: d.profile.displayName,
      position: shownPosition(d.profile, d.gateState),
      simulated: this.configs.get(d.id)?.simulate ?? false,
      heldOpen: this.policy.isHeldOpen(d.id),
      ...(this.policy.isHeldOpen(d.id) ? { heldBy: this.policy.holdersOf(d.id) } : {}),
    }));
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }

  fireInput(deviceId: string, input: string): 'active' | 'clear' | 'unknown' | undefined {
    return this.policy.stateOf(`${deviceId}/${input}`);
  }

  info(deviceId: string): DeviceInfo | undefined {
    const d = this.devices.get(deviceId);
    const cfg = this.configs.get(deviceId);
    if (!d || !cfg) return undefined;
    const resetOf: Record<string, CommandName | undefined> = {};
    for (const [name, i] of Object.entries(d.profile.inputs)) if (i.mode === 'latching') resetOf[name] = i.reset;
    return {
      id: d.id,
      name: cfg.name,
      displayName: d.profile.displayName,
      kind: d.profile.kind,
      model: d.profile.model,
      camera: cfg.camera,
      resetOf,
    };
  }

  async run(deviceId: string, command: CommandName, opts: { origin: string; arg?: number; requestId?: string }): Promise<GateResult> {
    const dev = this.devices.get(deviceId);
    if (!dev) throw new CommandError(`no device "${deviceId}" (known: ${[...this.devices.keys()].join(', ') || 'none'})`, 'not_found');
    const moves = movesGate(dev.profile, command);
    // A fail-safe command is the policy's own decision: sent as it is (the `open` of a gate
    // without hold-open must not be answered "already open" by the rule meant for requests),
    // except that a close never reaches a gate a fire input holds, checked again at its turn.
    const failSafe = opts.origin === 'fail_safe';
    const refusal: Verdict = { send: false, ok: false, refused: `gate ${deviceId} is held open by a fire alarm` };
    const verdict: Verdict = failSafe
      ? this.policy.mayRun(deviceId, command, moves)
        ? { send: true }
        : refusal
      : this.policy.verdict(deviceId, command, moves);
    let r: GateResult;
    if (verdict.send) {
      // Asked again when its turn on the line comes: a fire alarm may have started meanwhile.
      let late: Verdict | undefined;
      const guard = () => {
        const v = failSafe
          ? this.policy.mayRun(deviceId, command, moves)
            ? { send: true as const }
            : refusal
          : this.policy.verdict(deviceId, command, moves);
        if (!v.send) late = v;
        return v.send;
      };
      r = await dev.command(command, opts.arg, { urgent: failSafe, guard });
      const off = late as Verdict | undefined;
      if (off && !off.send)
        r = off.ok
          ? { ok: true, attempts: 0, ms: r.ms, note: off.note }
          : { ok: false, attempts: 0, ms: r.ms, error: 'refused-by-policy', refused: off.refused };
    } else if (verdict.ok) r = { ok: true, attempts: 0, ms: 0, note: verdict.note };
    else r = { ok: false, attempts: 0, ms: 0, error: 'refused-by-policy', refused: verdict.refused };
    this.recorder?.command(dev, {
      command,
      origin: opts.origin,
      ok: r.ok,
      error: r.error,
      note: r.note,
      attempts: r.attempts,
      ms: r.ms,
      requestId: opts.requestId,
    });
    if (!r.ok) this.log.warn({ device: deviceId, command, origin: opts.origin, error: r.error, refused: r.refused }, 'gate command failed');
    return r;
  }

  simulatorControl(deviceId: string, line: string): Promise<string> {
    return this.sims.control(deviceId, line);
  }

  /** A gate reported its position: while it is held open, anything else is corrected and reported. */
  private onGateState(dev: Device, state: string): void {
    const fix = this.policy.onGateState(dev.id, state);
    if (!fix) return;
    this.log.error({ gate: dev.id, state }, 'egress gate not open while a fire alarm holds it: hold-open re-sent');
    this.ctx.events.publish('gate.mismatch', {
      deviceId: dev.id,
      expected: 'open',
      actual: state,
      action: 'hold_open',
      ts: new Date().toISOString(),
    });
    this.safety(fix);
  }

  /**
   * Runs a fail-safe command ahead of anything waiting on the device's line; a gate without
   * hold-open is opened instead. One at a time per gate: a command decided while another is on
   * the line replaces any still waiting (the latest decision wins; re-asserts and retries of a
   * silent gate coalesce instead of piling up). A hold-open that fails is retried with backoff
   * for as long as the fire alarm lasts. Never throws.
   */
  private safety(s: SafetyCommand, attempt = 0): void {
    if (this.safetyRunning.has(s.gateId)) {
      const waiting = this.safetyNext.get(s.gateId);
      // A re-assert adds nothing to a hold-open already waiting.
      if (!(waiting && waiting.command === s.command)) this.safetyNext.set(s.gateId, s);
      return;
    }
    const dev = this.devices.get(s.gateId);
    if (!dev) return;
    const command = s.command === 'hold_open' && !dev.profile.commands['hold_open'] ? 'open' : s.command;
    const holding = s.command === 'hold_open';
    this.safetyRunning.add(s.gateId);
    const done = () => {
      this.safetyRunning.delete(s.gateId);
      const next = this.safetyNext.get(s.gateId);
      this.safetyNext.delete(s.gateId);
      if (next) this.safety(next);
    };
    this.run(s.gateId, command, { origin: 'fail_safe' })
      .then((r) => {
        done();
        const { scope } = this;
        if (r.ok || !holding || this.stopping || !scope || !this.policy.isHeldOpen(s.gateId)) return;
        if (this.retries.has(s.gateId) || this.safetyRunning.has(s.gateId)) return;
        const delay = backoffDelay(attempt, RETRY_MIN_MS, RETRY_MAX_MS, NO_JITTER);
        this.log.error({ gate: s.gateId, error: r.error, attempt: attempt + 1, retryInMs: delay }, 'hold-open not acknowledged; retrying');
        this.retries.set(
          s.gateId,
          scope.after(delay, () => {
            this.retries.delete(s.gateId);
            if (this.policy.isHeldOpen(s.gateId)) this.safety(s, attempt + 1);
          }),
        );
      })
      .catch((err: unknown) => {
        done();
        this.log.error({ gate: s.gateId, command, err: errMessage(err) }, 'fail-safe command failed');
      });
  }
}

/**
 * Hold-open re-assert period while a fire alarm lasts, and the retry backoff of a failed one.
 * The promise: an egress gate that closes by itself during a fire is open again within 3 s. A
 * gate that reports its position is corrected at the first read (heartbeat or poll, <= 1 s); one
 * that cannot (a controller without a position switch, a GPIO relay) only by this re-assert, so
 * it runs every second: one short frame per held gate, idempotent at the controller.
 */
const REASSERT_MS = 1000;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 2000;
