import type { CommandPlan } from './command-plan.js';
import { FramedCodec } from './codec/framed.js';
import { FrameReader } from './codec/frame-reader.js';
import type { DeviceProfile } from '../../lib/device-profiles/profile-schema.js';
import { ReplySlot, SerialQueue, type CommandResult, type ExecuteOptions, type ProtocolSession, type SessionHooks } from './session.js';

/** Master side of a framed serial protocol: one command in flight, acks matched by message. */
export class FramedSession implements ProtocolSession {
  private readonly codec: FramedCodec;
  private readonly reader: FrameReader;
  private readonly queue = new SerialQueue();
  /** The acknowledgement awaited: its message, and the raw values that mean success. */
  private readonly reply = new ReplySlot<
    { message: string; raw: Record<string, number> },
    { ok: boolean; reply: Record<string, number> }
  >();
  private readonly ctx: { profile: DeviceProfile; address: number; write(b: Buffer): Promise<void>; hooks: SessionHooks };

  constructor(ctx: { profile: DeviceProfile; address: number; write(b: Buffer): Promise<void>; hooks: SessionHooks }) {
    this.ctx = ctx;
    this.codec = new FramedCodec(ctx.profile);
    this.reader = new FrameReader(this.codec);
  }

  execute(plan: CommandPlan, opts: ExecuteOptions = {}): Promise<CommandResult> {
    return this.queue.run(async () => (opts.guard && !opts.guard() ? { ok: false, attempts: 0, error: 'refused' } : this.run(plan)), opts);
  }

  async heartbeat(): Promise<boolean> {
    const cmd = this.ctx.profile.heartbeat?.command ?? 'status';
    const c = this.ctx.profile.commands[cmd];
    if (!c?.send) return true;
    const r = await this.execute(
      {
        command: cmd,
        send: { message: c.send.message, raw: {} },
        ...(c.expect ? { expect: { message: c.expect.message, raw: {} } } : {}),
        timeoutMs: c.timeoutMs,
        retries: 0,
        effects: {},
        // The heartbeat is never starved by fail-safe commands to a silent device (those coalesce):
        // it takes its turn among them, so the device is marked offline in time.
      },
      { urgent: true },
    );
    return r.ok;
  }

  private async run(plan: CommandPlan): Promise<CommandResult> {
    if (!plan.send) return { ok: false, attempts: 0, error: 'nothing to send' };
    const frame = this.codec.encode(plan.send.message, plan.send.raw, this.ctx.address);
    let attempts = 0;
    for (let i = 0; i <= plan.retries; i++) {
      attempts++;
      const reply = plan.expect ? this.reply.wait(plan.expect, plan.timeoutMs) : undefined;
      try {
        await this.ctx.write(frame);
      } catch {
        this.reply.cancel();
        return { ok: false, attempts, error: 'write_failed' };
      }
      if (!reply) return { ok: true, attempts };
      const r = await reply;
      if (r === 'lost') return { ok: false, attempts, error: 'offline' };
      if (r === 'timeout') continue;
      return r.ok ? { ok: true, attempts, reply: r.reply } : { ok: false, attempts, error: 'refused', reply: r.reply };
    }
    return { ok: false, attempts, error: 'timeout' };
  }

  onBytes(chunk: Buffer): void {
    const { frames, faults } = this.reader.push(chunk, performance.now());
    for (const f of faults) this.ctx.hooks.onFault(f);
    for (const frame of frames) {
      const m = this.codec.identify(frame, 'from-device');
      if (!m) {
        this.ctx.hooks.onFault('unknown-message', { fields: frame.fields, payloadBytes: frame.payload.length });
        continue;
      }
      if (m.address !== undefined && m.address !== this.ctx.address) {
        this.ctx.hooks.onFault('wrong-unit', { address: m.address });
        continue;
      }
      this.ctx.hooks.onAlive();
      this.ctx.hooks.onValues(m.values);
      const want = this.reply.expected;
      if (want && want.message === m.message)
        this.reply.deliver({ ok: Object.entries(want.raw).every(([k, v]) => m.values[k] === v), reply: m.values });
    }
  }

  onLinkDown(): void {
    this.reader.reset();
    this.reply.cancel();
  }

  stop(): void {
    this.reply.cancel();
  }
}
