import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayContext } from '../core/context.js';
import type { ActionTable } from '../core/actions.js';
import type { Room } from '../core/room.js';
import { errMessage } from '../core/errors.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { ConfigError } from '../config/errors.js';
import type { DeviceConfig } from '../config/sections/devices.js';
import { Device, type Endpoint } from './device.js';
import { serialEndpoint } from './endpoint.js';
import { gpioEndpoint } from './gpio-endpoint.js';
import { FailSafePolicy, type SafetyCommand } from './failsafe.js';
import { DeviceRecorder } from './recorder.js';
import { loadProfileFile, resolveProfileFile, ProfileError } from './profiles.js';
import type { CommandName } from './profile-schema.js';
import { CommandError } from './command-plan.js';
import { SimulatedLines } from './sim/simulated-lines.js';
import { registerDeviceActions } from './actions.js';
import type { CommandResult } from './session.js';

/**
 * The devices room: gates, turnstiles, alarm posts and IO boards from the config, each driven
 * through its profile. Devices marked `simulate: true` get a socat pty pair and the project's
 * simulator, started here. Gate commands go through one door (`run`), which applies the
 * fail-safe policy and records every result.
 */
/** What other rooms may ask of gates and posts (access opens gates, alarms switch the strobe). */
export interface GateControl {
  run(
    deviceId: string,
    command: CommandName,
    opts: { origin: string; arg?: number; requestId?: string },
  ): Promise<CommandResult & { ms: number; refused?: string }>;
}

export interface DevicesService extends GateControl {
  list(): ReturnType<Device['snapshot']>[];
  device(id: string): Device | undefined;
  run(
    deviceId: string,
    command: CommandName,
    opts: { origin: string; arg?: number; requestId?: string },
  ): Promise<CommandResult & { ms: number; refused?: string }>;
  simulatorControl(deviceId: string, line: string): Promise<string>;
}

export class DevicesRoom implements Room, DevicesService {
  readonly name = 'devices';
  private readonly ctx: GatewayContext;
  private readonly log: Logger;
  private readonly devices = new Map<string, Device>();
  private readonly configs = new Map<string, DeviceConfig>();
  private readonly policy = new FailSafePolicy();
  private recorder: DeviceRecorder | undefined;
  private readonly sims: SimulatedLines;

  constructor(ctx: GatewayContext) {
    this.ctx = ctx;
    this.log = componentLogger(ctx.log, 'devices');
    this.sims = new SimulatedLines({ runDir: join(ctx.dataDir, 'run', 'devices'), log: this.log });
    for (const cfg of ctx.loaded.config.devices) this.configs.set(cfg.id, cfg);
  }

  registerActions(actions: ActionTable): void {
    registerDeviceActions(actions, this);
  }

  async start(): Promise<void> {
    mkdirSync(join(this.ctx.dataDir, 'run', 'devices'), { recursive: true });
    const recorder = new DeviceRecorder({
      ctx: this.ctx,
      configOf: (id) => this.configs.get(id),
      onFire: (dev, input, active) => this.onFire(dev, input, active),
      onGateOnline: (dev) => this.safety(this.policy.onGateOnline(dev.id)),
    });
    this.recorder = recorder;
    for (const cfg of this.configs.values()) {
      let file: string;
      try {
        file = resolveProfileFile(cfg.profile, { baseDir: this.ctx.loaded.baseDir });
      } catch (err) {
        throw new ConfigError(this.ctx.loaded.source, [`devices: ${cfg.id}: ${(err as Error).message}`]);
      }
      let profile;
      try {
        profile = loadProfileFile(file);
      } catch (err) {
        throw new ConfigError(this.ctx.loaded.source, [`devices: ${cfg.id}: ${err instanceof ProfileError ? err.message : String(err)}`]);
      }
      if (profile.transport.type === 'serial' && !cfg.simulate && !cfg.port)
        throw new ConfigError(this.ctx.loaded.source, [`devices: ${cfg.id}: a serial device needs "port" (or simulate: true)`]);
      if (profile.transport.type === 'gpio' && cfg.simulate)
        this.log.warn({ device: cfg.id }, 'gpio devices cannot be simulated here; using the real chip');
      const log = this.log.child({ device: cfg.id });
      const device = new Device({ id: cfg.id, profile, log, observer: recorder, connect: (dev) => this.connect(dev, cfg, file, log) });
      this.devices.set(cfg.id, device);
      recorder.registered(device);
    }
    for (const d of this.devices.values()) d.start();
  }

  private connect(dev: Device, cfg: DeviceConfig, profileFile: string, log: Logger): Endpoint {
    const t = dev.profile.transport;
    if (t.type === 'gpio') return gpioEndpoint(dev, { chip: cfg.chip ?? t.chip, log });
    if (cfg.simulate) {
      const lines = this.sims.add({ id: cfg.id, profileFile, address: cfg.unitId });
      return serialEndpoint(dev, { path: lines.gatewaySide, unitId: cfg.unitId, log, minBackoffMs: 100, maxBackoffMs: 2000 });
    }
    if (!cfg.port) throw new ConfigError(this.ctx.loaded.source, [`devices: ${cfg.id}: a serial device needs "port" (or simulate: true)`]);
    return serialEndpoint(dev, { path: cfg.port, unitId: cfg.unitId, log });
  }

  async stop(): Promise<void> {
    // Fail safe on the way out: close gates that answer (unless a fire alarm holds them open).
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
      simulated: this.configs.get(d.id)?.simulate ?? false,
      heldOpenByFire: this.policy.isHeldOpen(d.id),
    }));
  }

  device(id: string): Device | undefined {
    return this.devices.get(id);
  }

  async run(
    deviceId: string,
    command: CommandName,
    opts: { origin: string; arg?: number; requestId?: string },
  ): Promise<CommandResult & { ms: number; refused?: string }> {
    const dev = this.devices.get(deviceId);
    if (!dev) throw new CommandError(`no device "${deviceId}" (known: ${[...this.devices.keys()].join(', ') || 'none'})`, 'not_found');
    const refused = this.policy.refuse(deviceId, command);
    let r: CommandResult & { ms: number; refused?: string };
    if (refused) r = { ok: false, attempts: 0, ms: 0, error: 'refused-by-policy', refused };
    else r = await dev.command(command, opts.arg);
    this.recorder?.command(dev, {
      command,
      origin: opts.origin,
      ok: r.ok,
      error: r.error,
      attempts: r.attempts,
      ms: r.ms,
      requestId: opts.requestId,
    });
    if (!r.ok) this.log.warn({ device: deviceId, command, origin: opts.origin, error: r.error, refused }, 'gate command failed');
    return r;
  }

  simulatorControl(deviceId: string, line: string): Promise<string> {
    return this.sims.control(deviceId, line);
  }

  private onFire(dev: Device, input: string, active: boolean): string[] {
    const egress = this.configs.get(dev.id)?.egress ?? [];
    for (const s of this.policy.onFireAlarm(`${dev.id}/${input}`, active, egress)) {
      this.log.warn({ gate: s.gateId, command: s.command, reason: s.reason }, 'fire alarm: egress gate command');
      this.safety(s);
    }
    return egress;
  }

  /** Runs a fail-safe command; a gate without hold-open is opened instead. Never throws. */
  private safety(s: SafetyCommand): void {
    const dev = this.devices.get(s.gateId);
    const command = s.command === 'hold-open' && dev && !dev.profile.commands['hold-open'] ? 'open' : s.command;
    this.run(s.gateId, command, { origin: 'fail-safe' }).catch((err: unknown) =>
      this.log.error({ gate: s.gateId, command, err: String(err) }, 'fail-safe command failed'),
    );
  }
}
