import { errMessage } from '../../core/errors.js';
import type { GatewayContext } from '../../core/context.js';
import type { Statement } from '../../store/database.js';
import type { Device, DeviceObserver, GateState } from './device.js';
import type { InputKind } from '../../lib/device-profiles/profile-schema.js';
import type { DeviceConfig } from '../../config/sections/devices.js';

/**
 * Turns what devices report into events (device.online/offline, device.input, gate.command,
 * alarm.fire, alarm.tamper), each with its audit row. The physical reactions come first and
 * never wait on the store: a fire-alarm change goes to the fail-safe policy (`onFire`) before
 * anything is published, and listeners (the alarms room's strobe and picture) hear device.input
 * before it is recorded (core/publisher.ts). Nothing here waits on SQLite on the safety path:
 * statements are prepared on first use, and the `device_state` row (only for `sharpeyes
 * devices`) is written in a later turn of the event loop, after the fail-safe has acted,
 * coalesced per device, and a failure to write it is logged once, never thrown.
 */
export interface RecorderContext {
  ctx: GatewayContext;
  configOf(id: string): DeviceConfig | undefined;
  onFire(dev: Device, input: string, active: boolean): string[];
  onGateOnline(dev: Device): void;
  /** A gate reported a new position (the fail-safe checks it against a hold-open). */
  onGateState(dev: Device, state: GateState): void;
  /** A fire input's first reading since its device came online (clear or active). */
  onFireRead?(dev: Device, input: string, active: boolean): void;
  /** A device went offline (its fire inputs are unknown again). */
  onOffline?(dev: Device): void;
}

export class DeviceRecorder implements DeviceObserver {
  private readonly rc: RecorderContext;
  private statements: { upsertState: Statement; insertCommand: Statement; insertInput: Statement } | undefined;
  /** Devices whose state row waits to be written, with the reason to record. */
  private readonly dirty = new Map<string, { dev: Device; reason: string | undefined }>();
  private flushTimer: NodeJS.Immediate | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastWriteError = '';

  constructor(rc: RecorderContext) {
    this.rc = rc;
  }

  private get st(): { upsertState: Statement; insertCommand: Statement; insertInput: Statement } {
    return (this.statements ??= this.prepare());
  }

  private prepare(): { upsertState: Statement; insertCommand: Statement; insertInput: Statement } {
    const db = this.rc.ctx.db;
    const upsertState = db.prepare(
      `INSERT INTO device_state(id, model, online, since, reason, gate, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET model = excluded.model, online = excluded.online, since = excluded.since, reason = excluded.reason, gate = excluded.gate, updated_at = excluded.updated_at`,
    );
    const insertCommand = db.prepare(
      'INSERT INTO gate_commands(ts, device_id, command, origin, ok, error, attempts, ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertInput = db.prepare('INSERT INTO device_inputs(ts, device_id, input, kind, active) VALUES (?, ?, ?, ?, ?)');
    return { upsertState, insertCommand, insertInput };
  }

  /** Queues the device's row for a later turn of the event loop (never on the safety path). */
  private saveState(dev: Device, reason?: string): void {
    this.dirty.set(dev.id, { dev, reason });
    this.flushTimer ??= setImmediate(() => this.flushStates());
  }

  /**
   * Writes the queued device rows now; a failure is logged (once per distinct error), never
   * thrown. While the store is failing (the publisher holds events), the rows wait: a locked
   * database would hold the event loop for its busy timeout on every try.
   */
  flushStates(opts: { force?: boolean } = {}): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (!opts.force && this.rc.ctx.events.status().degraded) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.flushStates();
      }, STATE_RETRY_MS);
      this.retryTimer.unref();
      return;
    }
    const rows = [...this.dirty.values()];
    this.dirty.clear();
    const at = new Date().toISOString();
    for (const { dev, reason } of rows) {
      const s = dev.snapshot();
      try {
        this.st.upsertState.run(dev.id, s.model, s.online ? 1 : 0, s.since, reason ?? null, s.gate ?? null, at);
        this.lastWriteError = '';
      } catch (err) {
        // The state is in memory and on the bus; the row is only for `sharpeyes devices`.
        const msg = errMessage(err);
        if (msg !== this.lastWriteError) this.rc.ctx.log.warn({ device: dev.id, err: msg }, 'device state row not written');
        this.lastWriteError = msg;
      }
    }
  }

  /** Stops retrying (the room stopped): rows not written by now are left to the next start. */
  cancel(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Records the initial (offline) state so `sharpeyes devices` lists every configured device (later, never blocking the start). */
  registered(dev: Device): void {
    this.saveState(dev, 'starting');
  }

  online(dev: Device): void {
    if (dev.profile.gate) this.rc.onGateOnline(dev);
    this.rc.ctx.events.publish('device.online', {
      deviceId: dev.id,
      model: dev.profile.model,
      kind: dev.profile.kind,
      simulated: this.rc.configOf(dev.id)?.simulate ?? false,
    });
    this.saveState(dev);
  }

  offline(dev: Device, reason: string): void {
    this.rc.onOffline?.(dev);
    this.rc.ctx.events.publish('device.offline', { deviceId: dev.id, model: dev.profile.model, reason });
    this.saveState(dev, reason);
  }

  inputRead(dev: Device, e: { input: string; kind: InputKind; active: boolean }): void {
    if (e.kind === 'fire_alarm') this.rc.onFireRead?.(dev, e.input, e.active);
  }

  input(dev: Device, e: { input: string; kind: InputKind; active: boolean; ts: number }): void {
    const { events } = this.rc.ctx;
    const ts = new Date(e.ts).toISOString();
    // Act first: egress gates are held open before anything is published or stored.
    const egress = e.kind === 'fire_alarm' ? this.rc.onFire(dev, e.input, e.active) : [];
    // Published in a tick, recorded at its end: listeners (alarms) never wait on the store.
    events.publish(
      'device.input',
      { deviceId: dev.id, input: e.input, kind: e.kind, active: e.active, ts },
      { write: () => this.st.insertInput.run(ts, dev.id, e.input, e.kind, e.active ? 1 : 0) },
    );
    if (e.kind === 'fire_alarm') events.publish('alarm.fire', { deviceId: dev.id, input: e.input, active: e.active, egress, ts });
    if (e.kind === 'tamper') events.publish('alarm.tamper', { deviceId: dev.id, input: e.input, active: e.active, ts });
  }

  gateState(dev: Device, state: GateState): void {
    // The fire correction first; the row after, in a later turn.
    this.rc.onGateState(dev, state);
    this.rc.ctx.bus.emit('gate.state', { deviceId: dev.id, state, ts: new Date().toISOString() });
    this.saveState(dev);
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
      { write: () => this.st.insertCommand.run(ts, dev.id, r.command, r.origin, r.ok ? 1 : 0, r.error ?? null, r.attempts, ms) },
    );
  }
}

/** How often device rows are tried again while the store is failing. */
const STATE_RETRY_MS = 5000;
