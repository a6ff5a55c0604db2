import type { z } from 'zod';
import { formatIssues } from '../config/errors.js';
import type { ErrorCode } from './error-codes.js';
import { redactText, redactValue } from './redact.js';
import type { ReplayGuard } from './replay-guard.js';
import { errMessage } from './errors.js';
import type { ActionLimits, Rate } from './action-limits.js';

/**
 * Requests this box answers, by name (`ping`, `gate/open`, `residents/add`...), from the
 * platform (MQTT request/<action>), the console and the CLI. Each room registers its own in
 * `registerActions`; every channel runs them through `ActionTable.run`, one path that checks the
 * requester's role, validates the input, refuses stale or replayed gate commands and writes the
 * audit log for every change, so no channel can skip a check.
 */

/** Console roles, least to most: a viewer sees, an operator also runs gates, alarms and residents, an admin everything. */
export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Who asks. The gateway derives it (session, broker connection, local CLI); a requester cannot set it. */
export interface Actor {
  channel: 'platform' | 'console' | 'cli' | 'system';
  /** User name (console), the platform's claimed operator, or the local user (CLI). */
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
  /** The least role that may run it. `viewer` actions only read; every other one is audited. */
  role: Role;
  /** Opens or drives a gate: over MQTT it must carry a fresh timestamp and an unused nonce. */
  replayGuard?: boolean;
  /** A tighter rate than the default (cloud.requestsPerMinute), for costly actions. */
  rate?: Rate;
  handle(input: I, ctx: ActionContext): unknown | Promise<unknown>;
}

/** An error whose message is safe and useful to return to the requester. */
export class ActionError extends Error {
  constructor(
    message: string,
    readonly code: ErrorCode = 'failed',
  ) {
    super(message);
    this.name = 'ActionError';
  }
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
  /** Over MQTT: when the platform sent it and its nonce (request envelope `ts`, `nonce`). */
  stamp?: { ts?: string; nonce?: string };
}

export class ActionTable {
  private readonly actions = new Map<string, Action<never>>();

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
   * Runs an action for a requester: role, input, replay guard, then the handler; every
   * non-viewer action is audited (also when refused by its handler). Throws ActionError with a
   * wire error code; anything else thrown is the gateway's fault (`internal`).
   */
  async run(name: string, input: unknown, ctx: ActionContext, opts: RunOptions = {}): Promise<unknown> {
    const action = this.get(name);
    if (!action) throw new ActionError(`unknown action "${name}"; this node answers: ${this.names().join(', ')}`, 'unknown_action');
    if (RANK[ctx.actor.role] < RANK[action.role])
      throw new ActionError(`${name} needs the ${action.role} role; ${ctx.actor.name} is ${ctx.actor.role}`, 'forbidden');
    const parsed = action.input.safeParse(input ?? {}, { reportInput: true });
    if (!parsed.success) {
      throw new ActionError(
        formatIssues(parsed.error.issues.map((i) => ({ ...i, path: ['input', ...i.path] }))).join('; '),
        'invalid_input',
      );
    }
    const audited = action.role !== 'viewer';
    let release: (() => void) | undefined;
    try {
      if (action.replayGuard && ctx.actor.channel === 'platform') this.opts.replayGuard?.check(opts.stamp ?? {});
      if (ctx.actor.channel !== 'system') release = this.opts.limits?.acquire(name, action.rate);
      // Redacted: a status, config or camera listing never hands out a password.
      const result = redactValue(await action.handle(parsed.data, ctx));
      if (audited) this.audit(name, ctx, parsed.data, { ok: true });
      return result;
    } catch (err) {
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
