import { join } from 'node:path';
import type { GatewayContext } from '../../core/context.js';
import type { Logger } from '../../core/logger.js';
import type { Scope } from '../../core/room.js';
import type { DeviceConfig } from '../../config/sections/devices.js';
import type { Device } from './device.js';
import { FailSafePolicy, fireSources, type SafetyCommand } from './failsafe.js';
import { FireStateFile } from './fire-state.js';
import type { DeviceProfile } from '../../lib/device-profiles/profile-schema.js';

/**
 * The devices room's fire supervision, the I/O around the pure policy (failsafe.ts): the fire
 * state restored from `<dataDir>/fire-state.json` before the first device command and saved
 * after every change (off the safety path), fire inputs read or gone offline turned into gate
 * commands (handed to `act`, which sends them first), and supervision faults reported as
 * `alarm.fire_fault`: an input not read within FIRE_READ_GRACE_MS of the start, or offline.
 */
export class FireWatch {
  policy = new FailSafePolicy();
  private file: FireStateFile | undefined;
  /** Fire inputs reported as faults and not read again yet. */
  private readonly faulted = new Set<string>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly log: Logger,
    private readonly configs: ReadonlyMap<string, DeviceConfig>,
    private readonly act: (s: SafetyCommand) => void,
  ) {}

  /**
   * Reads the saved fire state and builds the policy; call before any device starts. The check
   * for inputs still unread after the grace period is a timer of the room's scope.
   */
  restore(profiles: { cfg: DeviceConfig; profile: DeviceProfile }[], scope: Pick<Scope, 'after'>): void {
    this.file = new FireStateFile(join(this.ctx.dataDir, 'fire-state.json'), (err) =>
      this.log.error({ err }, 'fire state not saved (the gates are held in memory; a restart holds unread fire inputs anyway)'),
    );
    const saved = this.file.load();
    if (saved.problem)
      this.log.error({ file: this.file.path, problem: saved.problem }, 'fire state file unreadable: every fire input is unknown');
    const sources = fireSources(
      profiles.map(({ cfg, profile }) => ({ id: cfg.id, profile, egress: cfg.egress, unknownHolds: cfg.fireUnknown === 'hold_open' })),
    );
    const known = new Set(sources.map((s) => s.source));
    for (const a of saved.active)
      if (!known.has(a)) this.log.warn({ source: a }, 'a fire input active before the restart is no longer configured');
    this.policy = new FailSafePolicy(sources, saved.active);
    const restored = saved.active.filter((a) => known.has(a));
    if (restored.length)
      this.log.error(
        { sources: restored },
        'fire alarm active before the restart: its egress gates stay held open until the input reads clear',
      );
    const held = this.policy.heldGates();
    if (held.length) this.log.warn({ gates: held }, 'egress gates held open until their fire inputs are read');
    scope.after(FIRE_READ_GRACE_MS, () => {
      for (const f of this.policy.faults()) this.fault(f.source, f.reason, f.egress, f.holds);
    });
  }

  /**
   * A fire input read (a change or its first reading since its device came online): the gates
   * first, then the state file and the fault report. The only way a fire ends.
   */
  onFire(dev: Device, input: string, active: boolean): string[] {
    const cfg = this.configs.get(dev.id);
    const egress = cfg?.egress ?? [];
    const source = `${dev.id}/${input}`;
    const before = this.policy.stateOf(source);
    for (const s of this.policy.onFireAlarm(source, active, egress)) {
      this.log.warn({ gate: s.gateId, command: s.command, reason: s.reason }, 'fire alarm: egress gate command');
      this.act(s);
    }
    if ((before === 'active') !== active) this.file?.save(this.policy.persisted());
    this.fault(source, 'cleared', egress, cfg?.fireUnknown === 'hold_open');
    return egress;
  }

  /** A device went offline: its fire inputs are unknown (held, by default) and reported. */
  onOffline(dev: Device): void {
    const cfg = this.configs.get(dev.id);
    for (const [input, spec] of Object.entries(dev.profile.inputs)) {
      if (spec.kind !== 'fire_alarm' || !cfg?.egress.length) continue;
      const source = `${dev.id}/${input}`;
      for (const s of this.policy.onFireOffline(source)) {
        this.log.warn({ gate: s.gateId, command: s.command, reason: s.reason }, 'fire input offline: egress gate command');
        this.act(s);
      }
      this.fault(source, 'offline', cfg.egress, this.policy.stateOf(source) === 'active' || cfg.fireUnknown === 'hold_open');
    }
  }

  /** Waits for the state file's last write. */
  async flushed(): Promise<void> {
    await this.file?.flushed();
  }

  private fault(source: string, fault: 'unread' | 'offline' | 'cleared', egress: readonly string[], holdsOpen: boolean): void {
    if (fault === 'cleared' ? !this.faulted.delete(source) : this.faulted.has(source)) return;
    if (fault !== 'cleared') this.faulted.add(source);
    const [deviceId, input] = source.split('/') as [string, string];
    if (fault === 'cleared') this.log.warn({ source }, 'fire input read again');
    else this.log.error({ source, fault, egress, holdsOpen }, 'fire input cannot be read: its egress gates are held open as for a fire');
    this.ctx.events.publish('alarm.fire_fault', { deviceId, input, fault, egress: [...egress], holdsOpen, ts: new Date().toISOString() });
  }
}

/** A fire input not read this long after start is reported as a fault (alarm.fire_fault). */
const FIRE_READ_GRACE_MS = 5000;
