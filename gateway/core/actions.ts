import type { z } from 'zod';
import { formatIssues } from '../config/errors.js';
import { redactText, redactValue } from './redact.js';
import type { ReplayGuard } from './replay-guard.js';
import { errMessage } from './errors.js';
import type { ActionLimits, Rate } from './action-limits.js';
import { mayRun, type Role } from './roles.js';
import { ActionError } from './action-error.js';

export { ActionError } from './action-error.js';

export type { Role } from './roles.js';

/**
 * Requests this box answers, by name (`ping`, `gate/open`, `residents/add`...), from the
 * platform (MQTT request/<action>), the console and the CLI. Each room registers its own in
 * `registerActions`; every channel runs them through `ActionTable.run`, one path that checks the
 * requester's role, validates the input, refuses stale or replayed gate commands and writes the
 * audit log for every change, so no channel can skip a check.
 */

/** Who asks. The gateway derives it (session, broker connection, local CLI); a requester cannot set it. */
export interface Actor {
  channel: 'platform' | 'console' | 'cli' | 'system';
  /** User name (console), the MQTT account the broker authenticated (platform), or the local user (CLI). */
  name: string;
  role: Role;
}

export interface ActionContext {
  actor: Actor;
  transaction: string;
}

export interface Action<I = unknown> {
  description: string;
  input: z.ZodType<I>;
  /** The least role that may run it (core/roles.ts). `viewer` actions only read; every other one is audited. */
  role: Role;
  /** Only reads although it needs more than a viewer (config/get): not audited, no ts/nonce needed over MQTT. */
  readOnly?: boolean;
  /** Needs a fresh ts and an unused nonce over MQTT even if it only reads (every change needs them anyway). */
  replayGuard?: boolean;
  /** A tighter rate than the default (cloud.requestsPerMinute), for costly actions. */
  rate?: Rate;
  handle(input: I, ctx: ActionContext): unknown | Promise<unknown>;
}

/** One change, as the audit log keeps it. */
export interface AuditEntry {
  action: string;
  actor: Actor;
  transaction: string;
  /** The input with photos, passwords and long strings left out. */
  input: unknown;
  ok: boolean;
  error?: string;
  code?: string;
}

export interface RunOptions {
  /** Over MQTT: when the requester sent it and its nonce (request envelope `ts`, `nonce`). */
  stamp?: { ts?: string; nonce?: string };
}

/** Whether an action changes something: audited, and over MQTT stamped with ts + nonce. */
export const changes = (a: Pick<Action, 'role' | 'readOnly'>): boolean => a.role !== 'viewer' && !a.readOnly;

/** A refusal is audited at most once a minute per requester, action and reason (a flood must not flood the audit log). */
const REFUSAL_AUDIT_EVERY_MS = 60_000;
const REFUSAL_AUDITS_PER_MINUTE = 30;

export class ActionTable {
  private readonly actions = new Map<string, Action<never>>();
  private readonly refusalsAudited = new Map<string, { at: number; suppressed: number }>();
  private readonly refusalBudget = new Map<string, { since: number; used: number }>();

  constructor(private readonly opts: { replayGuard?: ReplayGuard; onAudit?: (entry: AuditEntry) => void; limits?: ActionLimits } = {}) {}

  register<I>(name: string, action: Action<I>): void {
    if (!/^[a-z][a-z0-9-]*(\/[a-z][a-z0-9-]*)*$/.test(name)) throw new Error(`invalid action name ${name}`);
    if (this.actions.has(name)) throw new Error(`action ${name} registered twice`);
    this.actions.set(name, action as unknown as Action<never>);
  }

  get(name: string): Action<unknown> | undefined {
    return this.actions.get(name) as Action<unknown> | undefined;
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }

  /**
   * Runs an action for a requester: role, input, replay guard (over MQTT, for every change), work
   * limits (per requester), then the handler. Every change is audited, and so is every refusal
   * (role, input, stale or replayed stamp, busy; at most once a minute per requester, action and
   * reason). Throws ActionError with a wire error code; anything else thrown is the gateway's
   * fault (`internal`).
   */
  async run(name: string, input: unknown, ctx: ActionContext, opts: RunOptions = {}): Promise<unknown> {
    const action = this.get(name);
    if (!action) {
      const err = new ActionError(
        `unknown action "${name.slice(0, 100)}"; this node answers: ${this.names().join(', ')}`,
        'unknown_action',
      );
      this.auditRefusal(name.slice(0, 100), ctx, input, err);
      throw err;
    }
    if (!mayRun(ctx.actor.role, action.role)) {
      const err = new ActionError(`${name} needs the ${action.role} role; ${ctx.actor.name} is ${ctx.actor.role}`, 'forbidden');
      this.auditRefusal(name, ctx, input, err);
      throw err;
    }
    const parsed = action.input.safeParse(input ?? {}, { reportInput: true });
    if (!parsed.success) {
      const err = new ActionError(
        formatIssues(parsed.error.issues.map((i) => ({ ...i, path: ['input', ...i.path] }))).join('; '),
        'invalid_input',
      );
      this.auditRefusal(name, ctx, input, err);
      throw err;
    }
    const audited = changes(action);
    let release: (() => void) | undefined;
    /** The admitted nonce on the disk: the answer waits for it (the action does not). */
    let nonceDurable: Promise<void> | undefined;
    try {
      if (ctx.actor.channel === 'platform' && (audited || action.replayGuard)) {
        this.opts.replayGuard?.check(opts.stamp ?? {}, ctx.actor.name);
        nonceDurable = this.opts.replayGuard?.durable();
      }
      if (ctx.actor.channel !== 'system') release = this.opts.limits?.acquire(name, action.rate, `${ctx.actor.channel}:${ctx.actor.name}`);
    } catch (err) {
      this.auditRefusal(name, ctx, parsed.data, err);
      throw err;
    }
    try {
      // Redacted: a status, config or camera listing never hands out a password.
      const result = redactValue(await action.handle(parsed.data, ctx));
      if (audited) this.audit(name, ctx, parsed.data, { ok: true });
      await nonceDurable;
      return result;
    } catch (err) {
      await nonceDurable; // never rejects
      // An answer (MQTT, console) and the audit row carry the error's text: a handler quoting
      // ffmpeg's last line (rtsp://user:password@...) hands out no password.
      if (err instanceof Error) {
        err.message = redactText(err.message);
        if (err.stack) err.stack = redactText(err.stack);
      }
      if (audited)
        this.audit(name, ctx, parsed.data, {
          ok: false,
          error: errMessage(err),
          ...(err instanceof ActionError ? { code: err.code } : {}),
        });
      throw err;
    } finally {
      release?.();
    }
  }

  /** Refuses a request whose requester has no role at all (an MQTT account not in cloud.accounts), audited. */
  refuse(name: string, ctx: ActionContext, input: unknown, message: string): never {
    const err = new ActionError(message, 'forbidden');
    this.auditRefusal(name.slice(0, 100), ctx, input, err);
    throw err;
  }

  /** Audits a request refused before its handler ran, throttled per requester, action and reason. */
  private auditRefusal(name: string, ctx: ActionContext, input: unknown, err: unknown): void {
    const code = err instanceof ActionError ? err.code : 'internal';
    const key = `${ctx.actor.channel}\u0000${ctx.actor.name}\u0000${name}\u0000${code}`;
    const now = Date.now();
    const last = this.refusalsAudited.get(key);
    if (last && now - last.at < REFUSAL_AUDIT_EVERY_MS) {
      last.suppressed++;
      return;
    }
    // And at most REFUSAL_AUDITS_PER_MINUTE per requester in all (random action names must not flood the log).
    const who = `${ctx.actor.channel}\u0000${ctx.actor.name}`;
    const budget = this.refusalBudget.get(who);
    if (budget && now - budget.since < REFUSAL_AUDIT_EVERY_MS) {
      if (budget.used >= REFUSAL_AUDITS_PER_MINUTE) return;
      budget.used++;
    } else {
      if (this.refusalBudget.size >= 10_000) this.refusalBudget.clear();
      this.refusalBudget.set(who, { since: now, used: 1 });
    }
    if (this.refusalsAudited.size >= 10_000) this.refusalsAudited.clear();
    this.refusalsAudited.set(key, { at: now, suppressed: 0 });
    const more = last?.suppressed ? ` (and ${last.suppressed} more alike in the minute before)` : '';
    this.audit(name, ctx, input, { ok: false, error: `${errMessage(err)}${more}`, code });
  }

  private audit(action: string, ctx: ActionContext, input: unknown, r: { ok: boolean; error?: string; code?: string }): void {
    this.opts.onAudit?.({ action, actor: ctx.actor, transaction: ctx.transaction, input: auditable(input), ...r });
  }
}

const SECRET_KEYS = /^(photos?|password|passwordFile|token|secret|base64|data)$/i;

/** What of an input goes into the audit log: no photos, secrets or long text (personal data stays out). */
export function auditable(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (Array.isArray(value)) return depth > 3 ? `[${value.length} items]` : value.slice(0, 20).map((v) => auditable(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 3) return '{…}';
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '(left out)' : auditable(v, depth + 1);
    return out;
  }
  return value;
}
