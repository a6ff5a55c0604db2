import type { GatewayContext } from '../core/context.js';
import type { Statement } from '../store/database.js';
import type { Device, DeviceObserver, GateState } from './device.js';
import type { InputKind } from './profile-schema.js';
import type { DeviceConfig } from '../config/sections/devices.js';
import './events.js';

/**
 * Turns what devices report into facts: a SQLite row and its outbox event in one transaction
 * (device.online/offline, device.input, gate.command, alarm.*), then the bus event for the
 * logic built on top. Fire-alarm changes are handed to `onFire` (the fail-safe policy).
 */
export interface RecorderContext {
  ctx: GatewayContext;
  configOf(id: string): DeviceConfig | undefined;
  onFire(dev: Device, input: string, active: boolean): string[];
  onGateOnline(dev: Device): void;
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
    const { ctx } = this.rc;
    ctx.db.transaction(() => {
      this.saveState(dev);
      ctx.outbox.append('device.online', {
        deviceId: dev.id,
        model: dev.profile.model,
        kind: dev.profile.kind,
        simulated: this.rc.configOf(dev.id)?.simulate ?? false,
      });
    });
    ctx.bus.emit('device.online', { deviceId: dev.id, model: dev.profile.model, kind: dev.profile.kind });
    if (dev.profile.gate) this.rc.onGateOnline(dev);
  }

  offline(dev: Device, reason: string): void {
    const { ctx } = this.rc;
    ctx.db.transaction(() => {
      this.saveState(dev, reason);
      ctx.outbox.append('device.offline', { deviceId: dev.id, model: dev.profile.model, reason });
    });
    ctx.bus.emit('device.offline', { deviceId: dev.id, model: dev.profile.model, reason });
  }

  input(dev: Device, e: { input: string; kind: InputKind; active: boolean; ts: number }): void {
    const { ctx } = this.rc;
    const ts = new Date(e.ts).toISOString();
    const cfg = this.rc.configOf(dev.id);
    ctx.db.transaction(() => {
      this.insertInput.run(ts, dev.id, e.input, e.kind, e.active ? 1 : 0);
      ctx.outbox.append('device.input', { deviceId: dev.id, input: e.input, kind: e.kind, active: e.active, ts });
      if (e.kind === 'button' && e.active && dev.profile.kind === 'alarm-post') {
        ctx.outbox.append('alarm.raised', {
          deviceId: dev.id,
          input: e.input,
          ...(cfg?.name ? { name: cfg.name } : {}),
          ...(cfg?.camera ? { camera: cfg.camera } : {}),
          ts,
        });
      }
      if (e.kind === 'tamper') ctx.outbox.append('alarm.tamper', { deviceId: dev.id, input: e.input, active: e.active, ts });
      if (e.kind === 'fire-alarm')
        ctx.outbox.append('alarm.fire', { deviceId: dev.id, input: e.input, active: e.active, egress: cfg?.egress ?? [], ts });
    });
    ctx.bus.emit('device.input', { deviceId: dev.id, input: e.input, kind: e.kind, active: e.active, ts: e.ts });
    if (e.kind === 'button' && e.active && dev.profile.kind === 'alarm-post')
      ctx.bus.emit('alarm.pressed', { deviceId: dev.id, input: e.input, ts: e.ts });
    if (e.kind === 'tamper') ctx.bus.emit('alarm.tamper', { deviceId: dev.id, input: e.input, active: e.active, ts: e.ts });
    if (e.kind === 'fire-alarm') {
      const egress = this.rc.onFire(dev, e.input, e.active);
      ctx.bus.emit('alarm.fire', { deviceId: dev.id, input: e.input, active: e.active, egress, ts: e.ts });
    }
  }

  gateState(dev: Device, state: GateState): void {
    this.saveState(dev);
    this.rc.ctx.bus.emit('gate.state', { deviceId: dev.id, state, ts: Date.now() });
  }

  /** A gate command result: row + never-dropped gate.command event, then the bus event. */
  command(
    dev: Device,
    r: { command: string; origin: string; ok: boolean; error?: string; attempts: number; ms: number; requestId?: string },
  ): void {
    const { ctx } = this.rc;
    const ts = new Date().toISOString();
    const ms = Math.round(r.ms * 100) / 100;
    ctx.db.transaction(() => {
      this.insertCommand.run(ts, dev.id, r.command, r.origin, r.ok ? 1 : 0, r.error ?? null, r.attempts, ms);
      const gateState = dev.gateState;
      ctx.outbox.append('gate.command', {
        deviceId: dev.id,
        command: r.command,
        origin: r.origin,
        ok: r.ok,
        ...(r.error ? { error: r.error } : {}),
        attempts: r.attempts,
        ms,
        ...(gateState ? { gateState } : {}),
        ts,
      });
    });
    ctx.bus.emit('gate.command', {
      deviceId: dev.id,
      command: r.command,
      origin: r.origin,
      ok: r.ok,
      ...(r.error ? { error: r.error } : {}),
      attempts: r.attempts,
      ms,
      ...(r.requestId ? { requestId: r.requestId } : {}),
    });
  }
}
