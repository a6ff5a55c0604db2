import { FramedCodec } from '../codec/framed.js';
import { FrameReader } from '../codec/frame-reader.js';
import { encodeResponse, parseRequest } from '../codec/modbus-rtu.js';
import type { DeviceProfile } from '../../../lib/device-profiles/profile-schema.js';
import { valueToRaw } from '../resources.js';

/**
 * The device side of a profile: one generic simulator for every serial profile. It answers the
 * gateway's frames as the profile says (acks, status replies, Modbus tables), reports input
 * changes by itself, and can be told to go silent, answer late, or answer garbage.
 * No I/O here: bytes come in through `receive`, go out through `ctx.write`.
 */
export interface SimContext {
  profile: DeviceProfile;
  write(bytes: Buffer): void;
  address?: number;
  /** Called with every request the simulator understood (tests and the bench watch it). */
  onRequest?(name: string, at: number, detail?: Record<string, number>): void;
}

/** How long a simulated finger stays on a momentary button. */
export const MOMENTARY_PRESS_MS = 300;

export class SimDevice {
  readonly profile: DeviceProfile;
  readonly state: Record<string, number> = {};
  silent = false;
  delayMs = 0;
  garble = false;
  received = 0;
  readonly faults: Record<string, number> = {};
  private readonly ctx: SimContext;
  private readonly codec: FramedCodec | undefined;
  private readonly reader: FrameReader | undefined;
  private mbuf: Buffer = Buffer.alloc(0);
  private readonly address: number;
  /** Momentary buttons waiting to spring back. */
  private readonly springs = new Map<string, NodeJS.Timeout>();

  constructor(ctx: SimContext) {
    this.ctx = ctx;
    this.profile = ctx.profile;
    const proto = ctx.profile.protocol;
    if (proto.type === 'framed') {
      this.codec = new FramedCodec(ctx.profile);
      this.reader = new FrameReader(this.codec);
      this.address = ctx.address ?? proto.defaultAddress;
    } else if (proto.type === 'modbus-rtu') this.address = ctx.address ?? proto.defaultUnitId;
    else throw new Error('the serial simulator does not run gpio profiles');
    for (const name of Object.keys(ctx.profile.resources)) this.state[name] = 0;
    if (ctx.profile.gate) this.setValue(ctx.profile.gate.resource, ctx.profile.gate.closed);
  }

  setValue(resource: string, value: number | string | boolean): void {
    const r = this.profile.resources[resource];
    if (!r) throw new Error(`unknown resource ${resource} (known: ${Object.keys(this.profile.resources).join(', ')})`);
    this.state[resource] = valueToRaw(r, value, resource);
  }

  /**
   * Presses/releases an input: sets its resource and, for framed devices, sends an event frame.
   * A momentary button springs back by itself after MOMENTARY_PRESS_MS unless `hold` is set (a
   * finger kept on it); a latching one stays pressed until the profile's reset command.
   */
  setInput(input: string, active: boolean, opts: { hold?: boolean } = {}): void {
    const spec = this.profile.inputs[input];
    if (!spec) throw new Error(`unknown input ${input} (known: ${Object.keys(this.profile.inputs).join(', ')})`);
    const r = this.profile.resources[spec.resource];
    if (!r) return;
    const activeRaw = valueToRaw(r, spec.active);
    this.state[spec.resource] = active ? activeRaw : activeRaw === 0 ? 1 : 0;
    if (this.codec) {
      const msg = this.eventMessageFor(spec.resource);
      if (msg) this.send(this.codec.encode(msg, this.state, this.address));
    }
    const timer = this.springs.get(input);
    if (timer) clearTimeout(timer);
    this.springs.delete(input);
    if (active && spec.kind === 'button' && spec.mode === 'momentary' && !opts.hold) {
      const t = setTimeout(() => {
        this.springs.delete(input);
        this.setInput(input, false);
      }, MOMENTARY_PRESS_MS);
      t.unref?.();
      this.springs.set(input, t);
    }
  }

  /** The unsolicited from-device message that carries a resource (not an ack of a command). */
  private eventMessageFor(resource: string): string | undefined {
    const acks = new Set(Object.values(this.profile.commands).map((c) => c?.expect?.message));
    return Object.entries(this.profile.messages).find(
      ([name, m]) =>
        m.direction === 'from-device' && !acks.has(name) && m.payload.some((f) => f.name === resource || (f.bits && resource in f.bits)),
    )?.[0];
  }

  receive(chunk: Buffer): void {
    this.received += chunk.length;
    if (this.codec && this.reader) {
      const { frames, faults } = this.reader.push(chunk, performance.now());
      for (const f of faults) this.faults[f] = (this.faults[f] ?? 0) + 1;
      for (const frame of frames) {
        const m = this.codec.identify(frame, 'to-device');
        if (!m) continue;
        if (m.address !== undefined && m.address !== this.address) continue;
        this.ctx.onRequest?.(m.message, performance.now(), m.values);
        this.answerFramed(m.message, m.values);
      }
      return;
    }
    this.mbuf = this.mbuf.length ? Buffer.concat([this.mbuf, chunk]) : chunk;
    while (this.mbuf.length) {
      const r = parseRequest(this.mbuf);
      if (r.kind === 'more') break;
      if (r.kind === 'bad') {
        this.faults[r.reason] = (this.faults[r.reason] ?? 0) + 1;
        this.mbuf = this.mbuf.subarray(1);
        continue;
      }
      this.mbuf = this.mbuf.subarray(r.size);
      if (r.request.unit !== this.address) continue; // like a real slave: silence for other units
      this.ctx.onRequest?.(`fn${r.request.fn}`, performance.now(), { address: r.request.address, count: r.request.count });
      this.send(this.answerModbus(r.request));
    }
  }

  private answerFramed(message: string, values: Record<string, number>): void {
    const codec = this.codec as FramedCodec;
    const cmd = Object.values(this.profile.commands).find(
      (c) =>
        c?.send?.message === message &&
        Object.entries(c.send.values).every(([k, v]) => v === '$param' || values[k] === valueToRaw(this.profile.resources[k]!, v)),
    );
    if (!cmd) return;
    for (const [k, v] of Object.entries(values)) if (k in this.state) this.state[k] = v;
    for (const [k, v] of Object.entries(cmd.effects)) this.setValue(k, v);
    if (!cmd.expect) return;
    const reply: Record<string, number> = { ...this.state };
    for (const [k, v] of Object.entries(cmd.expect.values)) reply[k] = valueToRaw(this.profile.resources[k]!, v);
    this.send(codec.encode(cmd.expect.message, reply, this.address));
  }

  private answerModbus(req: { unit: number; fn: number; address: number; count: number; values?: number[] }): Buffer {
    const table = (
      {
        1: 'coil',
        2: 'discrete-input',
        3: 'holding-register',
        4: 'input-register',
        5: 'coil',
        6: 'holding-register',
        15: 'coil',
        16: 'holding-register',
      } as Record<number, string>
    )[req.fn];
    const at = new Map<number, string>();
    for (const [name, r] of Object.entries(this.profile.resources))
      if (r.modbus && r.modbus.table === table) at.set(r.modbus.address, name);
    if (req.fn <= 4) {
      const out: number[] = [];
      for (let a = req.address; a < req.address + req.count; a++) {
        const name = at.get(a);
        if (name === undefined) return encodeResponse(req, { exception: 2 });
        out.push(this.state[name] ?? 0);
      }
      return encodeResponse(req, req.fn <= 2 ? { bits: out } : { registers: out });
    }
    const writes = req.fn === 5 || req.fn === 6 ? [req.count] : (req.values ?? []);
    for (let i = 0; i < writes.length; i++) {
      const name = at.get(req.address + i);
      if (name === undefined) return encodeResponse(req, { exception: 2 });
      this.state[name] = writes[i] as number;
    }
    return encodeResponse(req, {});
  }

  private send(bytes: Buffer): void {
    if (this.silent) return;
    let out = bytes;
    if (this.garble) {
      out = Buffer.from(bytes);
      const i = Math.floor(Math.random() * out.length);
      out[i] = (out[i] as number) ^ (1 + Math.floor(Math.random() * 255));
    }
    if (this.delayMs > 0) setTimeout(() => this.ctx.write(out), this.delayMs);
    else this.ctx.write(out);
  }

  /**
   * A control command line: press INPUT (a momentary button springs back by itself) |
   * hold INPUT (kept pressed until release) | release INPUT | set RESOURCE VALUE | silent on|off |
   * delay MS | garble on|off | state. Returns the reply line.
   */
  control(line: string): string {
    const [cmd, a, b] = line.trim().split(/\s+/);
    const onOff = (v: string | undefined) => {
      if (v !== 'on' && v !== 'off') throw new Error('expected on or off');
      return v === 'on';
    };
    switch (cmd) {
      case 'press':
        this.setInput(a ?? '', true);
        return 'ok';
      case 'hold':
        this.setInput(a ?? '', true, { hold: true });
        return 'ok';
      case 'release':
        this.setInput(a ?? '', false);
        return 'ok';
      case 'set': {
        const n = Number(b);
        this.setValue(a ?? '', b === 'true' ? true : b === 'false' ? false : Number.isFinite(n) ? n : (b ?? ''));
        return 'ok';
      }
      case 'silent':
        this.silent = onOff(a);
        return 'ok';
      case 'garble':
        this.garble = onOff(a);
        return 'ok';
      case 'delay':
        this.delayMs = Math.max(0, Number(a) || 0);
        return 'ok';
      case 'state':
        return JSON.stringify({
          model: this.profile.model,
          state: this.state,
          silent: this.silent,
          delayMs: this.delayMs,
          garble: this.garble,
          faults: this.faults,
        });
      default:
        throw new Error(`unknown control command "${cmd}" (press, hold, release, set, silent, delay, garble, state)`);
    }
  }
}
