import { z } from 'zod';
import { monotonicFactory } from 'ulid';
import type { GatewayContext } from '../../core/context.js';
import type { Room, Scope } from '../../core/room.js';
import { ActionError, type ActionContext, type ActionTable } from '../../core/actions.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import { errMessage } from '../../core/errors.js';
import type { GatewayEvents } from '../../events.js';
import type { DeviceDirectory, FireInputs, GateControl } from '../../core/services.js';
import type { CommandName } from '../../lib/device-profiles/profile-schema.js';
import type { CameraSnapshots } from '../../core/services.js';
import { AlarmStore } from './store.js';
import { alarmKindOf, dueForEscalation, onTrigger, refuseTransition, severityOf, type Alarm } from './lifecycle.js';

/** The gateway itself, resolving a fire input fault once the input reads again. */
const SYSTEM = { name: 'system', channel: 'system' } as const;

/**
 * Alarms and their life cycle. An alarm button press (or a tamper or fire contact) raises an
 * alarm at once: alarm.raised (never dropped), the post's strobe on so the caller sees the press
 * was received, and a picture from the linked camera (alarm.snapshot). Responders acknowledge it
 * (the post goes quiet, a latching button is reset) and resolve it, from the console, the
 * platform or the CLI, all through the same actions; an alarm nobody acknowledges in time
 * escalates (alarm.escalated, siren and strobe on). Open alarms are kept in SQLite and survive a
 * restart.
 *
 * An acknowledgement or a resolution acts first (the siren goes quiet) and is recorded after,
 * through the publisher (held in memory and its journal while the store is down): with the store
 * down, the siren can still be silenced. It never ends a fire: only the fire input reading clear
 * does (the devices room), so a fire alarm's latch is not reset from here.
 *
 * A fire input the devices room cannot read (alarm.fire_fault: unread since start, or offline)
 * is an alarm too (kind `fire_fault`, high): listed, acknowledged like the others (which only
 * says someone is on it: the fault and the hold-open go on), and resolved by the system alone
 * once the input reads again.
 */
export class AlarmsRoom implements Room {
  readonly name = 'alarms';
  private readonly log: Logger;
  private readonly ulid = monotonicFactory();
  private store: AlarmStore | undefined;
  /** Alarms not resolved yet, by id. */
  private readonly open = new Map<string, Alarm>();

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { gates: GateControl; devices: DeviceDirectory & FireInputs; cameras: CameraSnapshots },
  ) {
    this.log = componentLogger(ctx.log, 'alarms');
  }

  async start(scope: Scope): Promise<void> {
    try {
      this.store = new AlarmStore(this.ctx.db);
      for (const a of this.store.open()) this.open.set(a.alarmId, a);
    } catch (err) {
      // New alarms are still raised, acted on and recorded (the publisher holds them until the store takes writes).
      this.log.error({ err: errMessage(err) }, 'open alarms not read from the store: alarms from before the restart are not listed');
    }
    if (this.open.size) this.log.warn({ open: this.open.size }, 'alarms still open from before the restart');
    scope.on('device.input', (e) => this.onInput(e));
    scope.on('alarm.fire_fault', (e) => this.onFireFault(e));
    scope.every(1000, () => {
      this.escalate(Date.now());
      this.fireFaultsCleared();
    });
  }

  registerActions(actions: ActionTable): void {
    const target = {
      alarmId: z.string().min(1).max(64).optional().describe('The alarm (from alarm.raised or alarm/list).'),
      deviceId: z.string().min(1).max(64).optional().describe('Or the post: its oldest open alarm.'),
      note: z.string().max(500).optional(),
    };
    actions.register('alarm/ack', {
      role: 'operator',
      description:
        "A responder acknowledges an alarm: recorded as alarm.acknowledged with who asked, the post's strobe and siren go off, a latching button is reset.",
      input: z.strictObject(target),
      handle: (input, actx) => this.acknowledge(this.find(input, 'raised'), input.note, actx),
    });
    actions.register('alarm/resolve', {
      role: 'operator',
      description:
        'Closes an alarm that was dealt with (acknowledging it too if nobody had): recorded as alarm.resolved with who and a note.',
      input: z.strictObject(target),
      handle: (input, actx) => {
        const a = this.find(input);
        const refused = refuseTransition(a, 'resolved');
        if (refused) throw new ActionError(refused, 'failed');
        return this.resolve(a, input.note, actx.actor);
      },
    });
    actions.register('alarm/list', {
      role: 'viewer',
      description: 'Open alarms (raised or acknowledged), oldest first; with all: true also those resolved in the last 24 hours.',
      input: z.strictObject({ all: z.boolean().default(false) }).prefault({}),
      handle: ({ all }) => ({
        alarms: [
          ...[...this.open.values()].map((a) => this.view(a)),
          ...(all ? (this.store?.resolvedSince(new Date(Date.now() - 86_400_000).toISOString()) ?? []).map((a) => this.view(a)) : []),
        ],
      }),
    });
  }

  private view(a: Alarm): Alarm & { deviceName?: string } {
    const name = this.deps.devices.info(a.deviceId)?.name;
    return name ? { ...a, deviceName: name } : a;
  }

  /** The alarm named, or the oldest open one of a post (the oldest still raised, for an acknowledgement). */
  private find(input: { alarmId?: string | undefined; deviceId?: string | undefined }, state?: 'raised'): Alarm {
    if (input.alarmId) {
      const a = this.open.get(input.alarmId);
      if (!a) throw new ActionError(`no open alarm ${input.alarmId}`, 'not_found');
      return a;
    }
    if (!input.deviceId) throw new ActionError('give alarmId (or deviceId for the oldest open alarm of a post)', 'invalid_input');
    const a = [...this.open.values()].find((x) => x.deviceId === input.deviceId && (!state || x.state === state));
    if (!a)
      throw new ActionError(
        `no ${state === 'raised' ? 'alarm waiting for acknowledgement' : 'open alarm'} on ${input.deviceId}`,
        'not_found',
      );
    return a;
  }

  /** An input changed: a new alarm, or one more press of the alarm still waiting. */
  private onInput(e: GatewayEvents['device.input']): void {
    if (!e.active) return;
    const info = this.deps.devices.info(e.deviceId);
    const kind = info ? alarmKindOf(info.kind, e.kind) : undefined;
    if (!info || !kind) return;
    const decided = onTrigger(this.open.values(), { deviceId: e.deviceId, input: e.input, kind });
    if (!decided.raise) {
      const a = decided.repeatOf;
      a.presses++;
      this.log.info({ alarmId: a.alarmId, deviceId: a.deviceId, presses: a.presses }, 'pressed again while the alarm waits: same alarm');
      // Heard at once; the row is rewritten with the event at the end of the tick (held while the store is down).
      const row = { ...a };
      this.ctx.events.publish(
        'alarm.repeated',
        { alarmId: a.alarmId, deviceId: a.deviceId, input: a.input, kind: a.kind, presses: a.presses, raisedAt: a.raisedAt, ts: e.ts },
        { write: () => this.store?.save(row) },
      );
      return;
    }
    const alarm: Alarm = {
      alarmId: this.ulid(),
      deviceId: e.deviceId,
      input: e.input,
      kind,
      severity: severityOf(kind),
      state: 'raised',
      raisedAt: e.ts,
      presses: 1,
      ...(info.camera ? { cameraId: info.camera } : {}),
    };
    this.open.set(alarm.alarmId, alarm);
    // Act first: the caller sees the strobe whatever the store does.
    if (kind === 'panic') void this.output(alarm.deviceId, 'light_on');
    this.ctx.events.publish(
      'alarm.raised',
      {
        alarmId: alarm.alarmId,
        deviceId: alarm.deviceId,
        input: alarm.input,
        kind,
        severity: alarm.severity,
        ...(info.name ? { name: info.name } : {}),
        ...(info.camera ? { camera: info.camera } : {}),
        ts: alarm.raisedAt,
      },
      { write: () => this.store?.save(alarm) },
    );
    this.log.warn({ alarmId: alarm.alarmId, deviceId: alarm.deviceId, kind }, 'alarm raised');
    if (info.camera) void this.picture(alarm, info.camera);
  }

  /** A fire input cannot be read: one open fault alarm per input, until it reads again. */
  private onFireFault(e: GatewayEvents['alarm.fire_fault']): void {
    const open = [...this.open.values()].filter((a) => a.kind === 'fire_fault' && a.deviceId === e.deviceId && a.input === e.input);
    if (e.fault === 'cleared') {
      for (const a of open) void this.resolve(a, 'the fire input reads again', SYSTEM);
      return;
    }
    if (open.length) return;
    const info = this.deps.devices.info(e.deviceId);
    const alarm: Alarm = {
      alarmId: this.ulid(),
      deviceId: e.deviceId,
      input: e.input,
      kind: 'fire_fault',
      severity: severityOf('fire_fault'),
      state: 'raised',
      raisedAt: e.ts,
      presses: 1,
      note: e.fault === 'offline' ? 'the device is offline' : 'not read since the gateway started',
    };
    this.open.set(alarm.alarmId, alarm);
    this.ctx.events.publish(
      'alarm.raised',
      {
        alarmId: alarm.alarmId,
        deviceId: alarm.deviceId,
        input: alarm.input,
        kind: alarm.kind,
        severity: alarm.severity,
        ...(info?.name ? { name: info.name } : {}),
        ts: alarm.raisedAt,
      },
      { write: () => this.store?.save(alarm) },
    );
    this.log.error(
      { alarmId: alarm.alarmId, deviceId: alarm.deviceId, input: alarm.input, fault: e.fault },
      'fire input fault alarm raised',
    );
  }

  /** Fault alarms whose input reads clear now (also those from before a restart, read before any fault was reported). */
  private fireFaultsCleared(): void {
    for (const a of [...this.open.values()]) {
      if (a.kind !== 'fire_fault') continue;
      const state = this.deps.devices.fireInput(a.deviceId, a.input);
      if (state === 'clear' || state === undefined)
        void this.resolve(a, state ? 'the fire input reads again' : 'no longer a configured fire input', SYSTEM);
    }
  }

  private async acknowledge(a: Alarm, note: string | undefined, actx: ActionContext): Promise<Alarm> {
    const refused = refuseTransition(a, 'acknowledged');
    if (refused) throw new ActionError(refused, 'failed');
    const next: Alarm = {
      ...a,
      state: 'acknowledged',
      acknowledgedAt: new Date().toISOString(),
      acknowledgedBy: actx.actor.name,
      ...(note ? { note } : {}),
    };
    this.open.set(a.alarmId, next);
    // Act first: the post goes quiet whatever the store does; then the record.
    const quiet = this.quiet(next);
    this.ctx.events.publish(
      'alarm.acknowledged',
      {
        alarmId: a.alarmId,
        deviceId: a.deviceId,
        kind: a.kind,
        by: actx.actor.name,
        ...(note ? { note } : {}),
        pressedAt: a.raisedAt,
        origin: actx.actor.channel,
      },
      { write: () => this.store?.save(next) },
    );
    await quiet;
    return next;
  }

  /** Resolves an alarm (the caller checked refuseTransition for a responder; the system resolves fire input faults). */
  private async resolve(a: Alarm, note: string | undefined, actor: Pick<ActionContext['actor'], 'name' | 'channel'>): Promise<Alarm> {
    const now = new Date().toISOString();
    const next: Alarm = { ...a, state: 'resolved', resolvedAt: now, resolvedBy: actor.name, ...(note ? { note } : {}) };
    this.open.delete(a.alarmId);
    // Act first: the post goes quiet whatever the store does; then the record.
    const quiet = a.state === 'raised' ? this.quiet(next) : Promise.resolve();
    this.ctx.events.publish(
      'alarm.resolved',
      {
        alarmId: a.alarmId,
        deviceId: a.deviceId,
        kind: a.kind,
        by: actor.name,
        ...(note ? { note } : {}),
        raisedAt: a.raisedAt,
        acknowledgedAt: a.acknowledgedAt ?? null,
        origin: actor.channel,
      },
      { write: () => this.store?.save(next) },
    );
    await quiet;
    return next;
  }

  /** Nobody answered in time: severity high, siren and strobe on, published again. */
  private escalate(now: number): void {
    const afterS = this.ctx.loaded.config.alarms.escalateAfterS;
    for (const a of this.open.values()) {
      if (!dueForEscalation(a, now, afterS)) continue;
      a.severity = 'high';
      a.escalatedAt = new Date(now).toISOString();
      this.log.error({ alarmId: a.alarmId, deviceId: a.deviceId, afterS }, 'alarm not acknowledged in time: escalated');
      if (a.kind !== 'fire_fault') {
        void this.output(a.deviceId, 'siren_on');
        void this.output(a.deviceId, 'light_on');
      }
      this.ctx.events.publish(
        'alarm.escalated',
        { alarmId: a.alarmId, deviceId: a.deviceId, kind: a.kind, severity: 'high', raisedAt: a.raisedAt, afterS },
        { write: () => this.store?.save(a) },
      );
    }
  }

  /**
   * The post goes quiet; a latching button is released. A fire input's latch is not: only the
   * fire input itself ends a fire (reset at the fire panel), never an acknowledgement here.
   */
  private async quiet(a: Alarm): Promise<void> {
    if (a.kind === 'fire_fault') return; // its device is unread or offline, and has no post outputs to quiet
    const outputs: CommandName[] = ['light_off', 'siren_off'];
    const reset = a.kind === 'fire' ? undefined : this.deps.devices.info(a.deviceId)?.resetOf[a.input];
    if (reset) outputs.push(reset);
    await Promise.all(outputs.map((c) => this.output(a.deviceId, c)));
  }

  private async output(deviceId: string, command: CommandName): Promise<void> {
    try {
      const r = await this.deps.gates.run(deviceId, command, { origin: 'alarms' });
      if (!r.ok) this.log.warn({ deviceId, command, error: r.refused ?? r.error }, 'alarm post output not switched');
    } catch (err) {
      this.log.warn({ deviceId, command, err: errMessage(err) }, 'alarm post output not switched');
    }
  }

  private async picture(a: Alarm, cameraId: string): Promise<void> {
    let snapshotId: string | null = null;
    let error: string | undefined;
    try {
      snapshotId = (await this.deps.cameras.latestSnapshot(cameraId)).id;
    } catch (err) {
      error = errMessage(err);
    }
    const ms = Math.max(0, Date.now() - Date.parse(a.raisedAt));
    const current = this.open.get(a.alarmId);
    if (current && snapshotId) current.snapshotId = snapshotId;
    this.ctx.events.publish(
      'alarm.snapshot',
      { alarmId: a.alarmId, deviceId: a.deviceId, cameraId, snapshotId, ...(error ? { error } : {}), pressedAt: a.raisedAt, ms },
      { write: () => current && this.store?.save(current) },
    );
    if (error) this.log.warn({ deviceId: a.deviceId, cameraId, error }, 'no picture for the alarm');
  }
}
