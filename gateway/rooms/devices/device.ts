import type { Logger } from '../../core/logger.js';
import { RateLimitedLog } from '../../core/logger.js';
import { planCommand } from './command-plan.js';
import { Debouncer } from './debounce.js';
import { positionReported } from './gate-position.js';
import type { CommandName, DeviceProfile, InputKind } from '../../lib/device-profiles/profile-schema.js';
import { normalise, outOfRange, rawToValue, sameValue, type Value } from './resources.js';
import { QueueFull, type CommandResult, type ExecuteOptions, type ProtocolSession } from './session.js';
import type { ByteLink } from './transport/serial.js';
import { errMessage } from '../../core/errors.js';

/**
 * One configured device: its link (serial or GPIO), its protocol session, and the shared layer
 * on top: resource values through the profile's transforms and bounds, debounced inputs, the gate
 * position, the heartbeat that decides online/offline. It reports through `DeviceObserver`; the
 * room turns that into bus events and outbox rows.
 */
import type { GateState } from './gate-position.js';

export type { GateState } from './gate-position.js';

export interface DeviceObserver {
  online(dev: Device): void;
  offline(dev: Device, reason: string): void;
  input(dev: Device, e: { input: string; kind: InputKind; active: boolean; ts: number }): void;
  gateState(dev: Device, state: GateState): void;
  /**
   * The first reading of an input from the wire since the device came online (its debounced
   * state then): what tells a fire input clear after a start or a reconnect, when no change is.
   */
  inputRead?(dev: Device, e: { input: string; kind: InputKind; active: boolean }): void;
}

export interface Endpoint {
  link: ByteLink;
  session: ProtocolSession;
}

export interface DeviceSnapshot {
  id: string;
  model: string;
  kind: DeviceProfile['kind'];
  online: boolean;
  since: string;
  lastReason: string | undefined;
  gate: GateState | undefined;
  /** Whether the device reports the gate's position (else `gate` is what the last command should have done). */
  positionReported: boolean;
  inputs: Record<string, boolean>;
  values: Record<string, Value>;
  faults: Record<string, number>;
  commands: { sent: number; failed: number };
}

export interface DeviceContext {
  id: string;
  profile: DeviceProfile;
  log: Logger;
  observer: DeviceObserver;
  /** Builds the link and session; the hooks route their traffic back to this device. */
  connect(dev: Device): Endpoint;
  /** Overrides the profile heartbeat interval (tests). */
  heartbeatMs?: number;
  /** False while the fail-safe holds this gate open: a pulse started before must not close it. */
  releaseAllowed?: () => boolean;
}

export class Device {
  readonly id: string;
  readonly profile: DeviceProfile;
  private readonly ctx: DeviceContext;
  private endpoint: Endpoint | undefined;
  private onlineFlag = false;
  private since = new Date().toISOString();
  private lastReason: string | undefined;
  private misses = 0;
  private hbTimer: NodeJS.Timeout | undefined;
  private hbRunning = false;
  private readonly values: Record<string, Value> = {};
  private readonly debouncers = new Map<string, Debouncer>();
  private readonly settleTimers = new Map<string, NodeJS.Timeout>();
  /** Inputs read from the wire since the device came online. */
  private readonly readSinceUp = new Set<string>();
  /** Resources behind fire-alarm inputs: only the wire sets them, never a command's effects. */
  private readonly fireResources = new Set<string>();
  private gate: GateState | undefined;
  readonly faults: Record<string, number> = {};
  private readonly faultLog: RateLimitedLog;
  private sent = 0;
  private failed = 0;

  constructor(ctx: DeviceContext) {
    this.ctx = ctx;
    this.id = ctx.id;
    this.profile = ctx.profile;
    this.faultLog = new RateLimitedLog(ctx.log, 5, 10_000);
    for (const [name, i] of Object.entries(ctx.profile.inputs)) {
      this.debouncers.set(name, new Debouncer(i.debounceMs));
      if (i.kind === 'fire_alarm') this.fireResources.add(i.resource);
    }
    if (ctx.profile.gate) this.gate = 'unknown';
  }

  get online(): boolean {
    return this.onlineFlag;
  }

  get gateState(): GateState | undefined {
    return this.gate;
  }

  start(): void {
    this.endpoint = this.ctx.connect(this);
    this.endpoint.link.start();
  }

  async stop(): Promise<void> {
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.hbTimer = undefined;
    for (const t of this.settleTimers.values()) clearTimeout(t);
    const ep = this.endpoint;
    this.endpoint = undefined;
    ep?.session.stop();
    await ep?.link.stop();
  }

  /** Whether a timed write may switch `resource` back now (see SessionHooks.mayRelease). */
  releaseAllowed(resource: string): boolean {
    if (this.profile.gate && this.profile.gate.resource !== resource) return true;
    return this.ctx.releaseAllowed?.() ?? true;
  }

  /** Runs a profile command (validated and mapped by the shared layer). */
  async command(name: CommandName, arg?: number, opts: ExecuteOptions = {}): Promise<CommandResult & { ms: number }> {
    const t0 = performance.now();
    const plan = planCommand(this.profile, name, arg);
    const ep = this.endpoint;
    if (!ep || !ep.link.isOpen) {
      this.failed++;
      return { ok: false, attempts: 0, error: 'offline', ms: 0 };
    }
    this.sent++;
    let r: CommandResult;
    try {
      r = await ep.session.execute(plan, opts);
    } catch (err) {
      // The line's queue is full (a device that stopped answering): refused at once, never piled up.
      r = { ok: false, attempts: 0, error: err instanceof QueueFull ? 'busy' : errMessage(err) };
    }
    // A command's effects never end a fire: a fire input's state comes from the wire alone
    // (a latch reset sent with an alarm acknowledgement does not clear it).
    if (r.ok) for (const [res, v] of Object.entries(plan.effects)) if (!this.fireResources.has(res)) this.setValue(res, v, false);
    if (!r.ok) this.failed++;
    return { ...r, ms: performance.now() - t0 };
  }

  snapshot(): DeviceSnapshot {
    const inputs: Record<string, boolean> = {};
    for (const [n, d] of this.debouncers) inputs[n] = d.state;
    return {
      id: this.id,
      model: this.profile.model,
      kind: this.profile.kind,
      online: this.onlineFlag,
      since: this.since,
      lastReason: this.lastReason,
      gate: this.gate,
      positionReported: positionReported(this.profile),
      inputs,
      values: { ...this.values },
      faults: { ...this.faults },
      commands: { sent: this.sent, failed: this.failed },
    };
  }

  // ---- called by the link and session ----

  linkUp(): void {
    this.misses = 0;
    this.scheduleHeartbeat(0);
  }

  linkDown(reason: string): void {
    this.readSinceUp.clear();
    this.endpoint?.session.onLinkDown();
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.hbTimer = undefined;
    this.setOnline(false, reason);
  }

  alive(): void {
    this.misses = 0;
    this.setOnline(true);
  }

  fault(kind: string, detail?: Record<string, unknown>): void {
    this.faults[kind] = (this.faults[kind] ?? 0) + 1;
    this.faultLog.warn({ device: this.id, fault: kind, count: this.faults[kind], ...detail }, 'device wire fault');
  }

  /** Raw values from the wire -> engineering values -> inputs and gate state. */
  rawValues(raw: Record<string, number>): void {
    for (const [name, v] of Object.entries(raw)) {
      const r = this.profile.resources[name];
      if (!r) continue;
      const value = rawToValue(r, v);
      if (outOfRange(r, value)) {
        this.fault('out-of-range', { resource: name, value });
        continue;
      }
      this.setValue(name, value, true);
    }
  }

  private setValue(name: string, v: Value, fromWire: boolean): void {
    const r = this.profile.resources[name];
    if (!r) return;
    const value = normalise(r, v);
    this.values[name] = value;
    const now = performance.now();
    for (const [input, spec] of Object.entries(this.profile.inputs)) {
      if (spec.resource !== name) continue;
      const d = this.debouncers.get(input) as Debouncer;
      const out = d.update(sameValue(r, value, spec.active), now);
      if (out !== undefined) this.emitInput(input, out);
      this.armSettle(input, d);
      if (fromWire && !this.readSinceUp.has(input)) {
        this.readSinceUp.add(input);
        this.ctx.observer.inputRead?.(this, { input, kind: spec.kind, active: d.state });
      }
    }
    const g = this.profile.gate;
    if (g && g.resource === name) {
      const state = sameValue(r, value, g.open) ? 'open' : sameValue(r, value, g.closed) ? 'closed' : String(value);
      if (state !== this.gate) {
        this.gate = state;
        this.ctx.observer.gateState(this, state);
      }
    }
  }

  private armSettle(input: string, d: Debouncer): void {
    const at = d.wakeAt;
    if (at === undefined || this.settleTimers.has(input)) return;
    const t = setTimeout(
      () => {
        this.settleTimers.delete(input);
        const out = d.settle(performance.now());
        if (out !== undefined) this.emitInput(input, out);
        this.armSettle(input, d);
      },
      Math.max(0, at - performance.now()) + 1,
    );
    this.settleTimers.set(input, t);
  }

  private emitInput(input: string, active: boolean): void {
    const spec = this.profile.inputs[input];
    if (spec) this.ctx.observer.input(this, { input, kind: spec.kind, active, ts: Date.now() });
  }

  private setOnline(on: boolean, reason?: string): void {
    if (on === this.onlineFlag) return;
    this.onlineFlag = on;
    this.since = new Date().toISOString();
    this.lastReason = reason;
    if (on) this.ctx.observer.online(this);
    else this.ctx.observer.offline(this, reason ?? 'unknown');
  }

  private heartbeatEvery(): number {
    if (this.ctx.heartbeatMs) return this.ctx.heartbeatMs;
    if (this.profile.protocol.type === 'modbus-rtu') return this.profile.protocol.pollMs;
    return this.profile.heartbeat?.everyMs ?? 1000;
  }

  private scheduleHeartbeat(ms: number): void {
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.hbTimer = setTimeout(() => void this.beat(), ms);
  }

  private async beat(): Promise<void> {
    this.hbTimer = undefined;
    const ep = this.endpoint;
    if (!ep || !ep.link.isOpen || this.hbRunning) return;
    this.hbRunning = true;
    let ok = false;
    try {
      ok = await ep.session.heartbeat();
    } catch (err) {
      this.fault('heartbeat-error', { err: errMessage(err) });
    } finally {
      this.hbRunning = false;
    }
    if (this.endpoint !== ep || !ep.link.isOpen) return;
    if (ok) this.alive();
    else if (this.missed(ep)) return;
    this.scheduleHeartbeat(this.heartbeatEvery());
  }

  /** One more exchange without an answer; true when that made the device offline. */
  private missed(ep: Endpoint): boolean {
    if (++this.misses < (this.profile.heartbeat?.misses ?? 3)) return false;
    this.misses = 0;
    this.readSinceUp.clear();
    if (this.hbTimer) clearTimeout(this.hbTimer);
    this.hbTimer = undefined;
    this.setOnline(false, 'no answer to heartbeat');
    ep.link.reconnect('heartbeat lost');
    return true;
  }
}
