import type { GatewayContext } from '../core/context.js';
import type { Statement } from '../store/database.js';
import type { Device, DeviceObserver, GateState } from './device.js';
import type { InputKind } from './profile-schema.js';
import type { DeviceConfig } from '../config/sections/devices.js';

/**
 * Turns what devices report into events (device.online/offline, device.input, gate.command,
 * alarm.fire, alarm.tamper), each with its audit row. The physical reactions come first and
 * never wait on the store: a fire-alarm change goes to the fail-safe policy (`onFire`) before
 * anything is published, and listeners (the alarms room's strobe and picture) hear device.input
 * before it is recorded (core/publisher.ts).
 */
export interface RecorderContext {
  ctx: GatewayContext;
  configOf(id: string): DeviceConfig | undefined;
  onFire(dev: Device, input: string, active: boolean): string[];
  onGateOnline(dev: Device): void;
  /** A gate reported a new position (the fail-safe checks it against a hold-open). */
  onGateState(dev: Device, state: GateState): void;
}

export class DeviceRecorder implements DeviceObserver {
  private readonly rc: RecorderContext;
  private readonly upsertState: Statement;
  private readonly insertCommand: Statement;
  private readonly insertInput: Statement;

  constructor(rc: RecorderContext) {
    this.rc = rc;
    const db = rc.ctx.db;
    this.upsertState = db.prepare(
      `INSERT INTO device_state(id, model, online, since, reason, gate, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET model = excluded.model, online = excluded.online, since = excluded.since, reason = excluded.reason, gate = excluded.gate, updated_at = excluded.updated_at`,
    );
    this.insertCommand = db.prepare(
      'INSERT INTO gate_commands(ts, device_id, command, origin, ok, error, attempts, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertInput = db.prepare('INSERT INTO device_inputs(ts, device_id, input, kind, active) VALUES (?, ?, ?, ?, ?)');
  }

  private saveState(dev: Device, reason?: string): void {
    const s = dev.snapshot();
    this.upsertState.run(dev.id, s.model, s.online ? 1 : 0, s.since, reason ?? null, s.gate ?? null, new Date().toISOString());
  }

  /** Records the initial (offline) state so `sharpeyes devices` lists every configured device. */
  registered(dev: Device): void {
    this.saveState(dev, 'starting');
  }

  online(dev: Device): void {
    if (dev.profile.gate) this.rc.onGateOnline(dev);
    this.rc.ctx.events.publish(
      'device.online',
      { deviceId: dev.id, model: dev.profile.model, kind: dev.profile.kind, simulated: this.rc.configOf(dev.id)?.simulate ?? false },
      { write: () => this.saveState(dev) },
    );
  }

  offline(dev: Device, reason: string): void {
    this.rc.ctx.events.publish(
      'device.offline',
      { deviceId: dev.id, model: dev.profile.model, reason },
      { write: () => this.saveState(dev, reason) },
    );
  }

  input(dev: Device, e: { input: string; kind: InputKind; active: boolean; ts: number }): void {
    const { events } = this.rc.ctx;
    const ts = new Date(e.ts).toISOString();
    // Act first: egress gates are held open before anything is published or stored.
    const egress = e.kind === 'fire-alarm' ? this.rc.onFire(dev, e.input, e.active) : [];
    // Published in a tick, recorded at its end: listeners (alarms) never wait on the store.
    events.publish(
      'device.input',
      { deviceId: dev.id, input: e.input, kind: e.kind, active: e.active, ts },
      { write: () => this.insertInput.run(ts, dev.id, e.input, e.kind, e.active ? 1 : 0) },
    );
    if (e.kind === 'fire-alarm') events.publish('alarm.fire', { deviceId: dev.id, input: e.input, active: e.active, egress, ts });
    if (e.kind === 'tamper') events.publish('alarm.tamper', { deviceId: dev.id, input: e.input, active: e.active, ts });
  }

  gateState(dev: Device, state: GateState): void {
    try {
      this.saveState(dev);
    } catch {
      // The position is in memory and on the bus; the row is only for `sharpeyes devices`.
    }
    this.rc.ctx.bus.emit('gate.state', { deviceId: dev.id, state, ts: new Date().toISOString() });
    this.rc.onGateState(dev, state);
  }

  /** A gate command result: the never-dropped gate.command event with its audit row. */
  command(
    dev: Device,
    r: { command: string; origin: string; ok: boolean; error?: string; note?: string; attempts: number; ms: number; requestId?: string },
  ): void {
    const ts = new Date().toISOString();
    const ms = Math.round(r.ms * 100) / 100;
    const gateState = dev.gateState;
    this.rc.ctx.events.publish(
      'gate.command',
      {
        deviceId: dev.id,
        command: r.command,
        origin: r.origin,
        ok: r.ok,
        ...(r.error ? { error: r.error } : {}),
        ...(r.note ? { note: r.note } : {}),
        attempts: r.attempts,
        ms,
        ...(gateState ? { gateState } : {}),
        ...(r.requestId ? { requestId: r.requestId } : {}),
        ts,
      },
      { write: () => this.insertCommand.run(ts, dev.id, r.command, r.origin, r.ok ? 1 : 0, r.error ?? null, r.attempts, ms) },
    );
  }
}
