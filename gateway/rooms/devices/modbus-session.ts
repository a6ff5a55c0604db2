import type { CommandPlan } from './command-plan.js';
import {
  encodeRequest,
  parseResponse,
  READ_FN,
  readRanges,
  type ModbusRequest,
  type ModbusResponse,
  type ModbusTable,
} from './codec/modbus-rtu.js';
import type { DeviceProfile } from '../../lib/device-profiles/profile-schema.js';
import { ReplySlot, SerialQueue, type CommandResult, type ExecuteOptions, type ProtocolSession, type SessionHooks } from './session.js';

/** Modbus RTU master: resource writes as fn 5/6, polls of every table as the heartbeat. */
export class ModbusSession implements ProtocolSession {
  private readonly queue = new SerialQueue();
  private readonly reply = new ReplySlot<{ unit: number; fn: number }, ModbusResponse>();
  private buf: Buffer = Buffer.alloc(0);
  private readonly pulseTimers = new Set<NodeJS.Timeout>();
  private readonly polls: { table: ModbusTable; address: number; count: number; names: Map<number, string> }[] = [];
  private readonly ctx: { profile: DeviceProfile; unitId: number; timeoutMs: number; write(b: Buffer): Promise<void>; hooks: SessionHooks };

  constructor(ctx: { profile: DeviceProfile; unitId: number; timeoutMs?: number; write(b: Buffer): Promise<void>; hooks: SessionHooks }) {
    this.ctx = { ...ctx, timeoutMs: ctx.timeoutMs ?? 200 };
    const byTable = new Map<ModbusTable, Map<number, string>>();
    for (const [name, r] of Object.entries(ctx.profile.resources)) {
      if (!r.modbus) continue;
      let m = byTable.get(r.modbus.table);
      if (!m) byTable.set(r.modbus.table, (m = new Map()));
      m.set(r.modbus.address, name);
    }
    for (const [table, names] of byTable) for (const range of readRanges([...names.keys()])) this.polls.push({ table, ...range, names });
  }

  /**
   * One request/response exchange with retries. `guard`, checked when its turn comes, can still
   * call it off ('skipped'): a pulse's release once the fail-safe holds the gate open.
   */
  transact(
    req: ModbusRequest,
    timeoutMs = this.ctx.timeoutMs,
    retries = 1,
    opts: { urgent?: boolean; guard?: () => boolean } = {},
  ): Promise<ModbusResponse | string> {
    return this.queue.run(async () => {
      if (opts.guard && !opts.guard()) return 'skipped';
      const bytes = encodeRequest(req);
      for (let i = 0; i <= retries; i++) {
        this.buf = Buffer.alloc(0); // a late answer to an earlier request must not be taken for this one
        const reply = this.reply.wait({ unit: req.unit, fn: req.fn }, timeoutMs);
        try {
          await this.ctx.write(bytes);
        } catch {
          this.reply.cancel();
          return 'write_failed';
        }
        const r = await reply;
        if (r === 'lost') return 'offline';
        if (r === 'timeout') continue;
        if (r.exception) return `exception_${r.exception}`;
        return r;
      }
      return 'timeout';
    }, opts);
  }

  async heartbeat(): Promise<boolean> {
    let ok = true;
    for (const p of this.polls) {
      const r = await this.transact(
        { unit: this.ctx.unitId, fn: READ_FN[p.table], address: p.address, count: p.count },
        this.ctx.timeoutMs,
        0,
        // Polls are the heartbeat and the inputs' (fire contact's) reading: never starved by
        // fail-safe commands to a device that stopped answering (those coalesce, one at a time).
        { urgent: true },
      );
      if (typeof r === 'string') {
        ok = false;
        continue;
      }
      const values: Record<string, number> = {};
      for (const [addr, name] of p.names) {
        const v = r.data[addr - p.address];
        if (addr >= p.address && addr < p.address + p.count && v !== undefined) values[name] = v;
      }
      this.ctx.hooks.onValues(values);
    }
    return ok;
  }

  async execute(plan: CommandPlan, opts: ExecuteOptions = {}): Promise<CommandResult> {
    let attempts = 0;
    const written: Record<string, number> = {};
    for (const w of plan.writes ?? []) {
      const r = this.ctx.profile.resources[w.resource];
      if (!r?.modbus) return { ok: false, attempts, error: `no modbus address for ${w.resource}` };
      const fn = r.modbus.table === 'coil' ? 5 : 6;
      attempts++;
      const res = await this.transact(
        { unit: this.ctx.unitId, fn, address: r.modbus.address, count: w.raw },
        plan.timeoutMs,
        plan.retries,
        opts,
      );
      if (res === 'skipped') return { ok: false, attempts: attempts - 1, error: 'refused' };
      if (typeof res === 'string') return { ok: false, attempts, error: res };
      written[w.resource] = w.raw;
      if (w.holdMs !== undefined) this.scheduleRelease(fn, r.modbus.address, w.resource, w.releaseRaw ?? 0, w.holdMs, plan);
    }
    this.ctx.hooks.onValues(written);
    return { ok: true, attempts, reply: written };
  }

  private scheduleRelease(fn: number, address: number, resource: string, raw: number, holdMs: number, plan: CommandPlan): void {
    const t = setTimeout(() => {
      this.pulseTimers.delete(t);
      const guard = () => this.ctx.hooks.mayRelease(resource);
      void this.transact({ unit: this.ctx.unitId, fn, address, count: raw }, plan.timeoutMs, plan.retries + 2, { guard }).then((r) => {
        if (r === 'skipped') return;
        if (typeof r === 'string') this.ctx.hooks.onFault('pulse-release-failed', { resource, error: r });
        else this.ctx.hooks.onValues({ [resource]: raw });
      });
    }, holdMs);
    this.pulseTimers.add(t);
  }

  onBytes(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length > 0) {
      const p = this.reply.expected;
      if (!p) {
        this.ctx.hooks.onFault('unexpected', { bytes: this.buf.length });
        this.buf = Buffer.alloc(0);
        return;
      }
      const r = parseResponse(this.buf);
      if (r.kind === 'more') {
        if (this.buf.length > 256) {
          this.ctx.hooks.onFault('oversized');
          this.buf = Buffer.alloc(0);
        }
        return;
      }
      if (r.kind === 'bad') {
        this.ctx.hooks.onFault(r.reason === 'crc' ? 'checksum' : r.reason);
        this.buf = this.buf.subarray(1);
        continue;
      }
      this.buf = this.buf.subarray(r.size);
      if (r.response.unit !== p.unit) {
        this.ctx.hooks.onFault('wrong-unit', { unit: r.response.unit });
        continue;
      }
      if (r.response.fn !== p.fn) {
        this.ctx.hooks.onFault('unexpected', { fn: r.response.fn });
        continue;
      }
      this.ctx.hooks.onAlive();
      this.reply.deliver(r.response);
    }
  }

  onLinkDown(): void {
    this.buf = Buffer.alloc(0);
    this.reply.cancel();
  }

  stop(): void {
    for (const t of this.pulseTimers) clearTimeout(t);
    this.pulseTimers.clear();
    this.reply.cancel();
  }
}
