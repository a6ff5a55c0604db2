import type { CommandName, DeviceProfile, RawValue } from '../../lib/device-profiles/profile-schema.js';
import { ResourceRangeError, valueToRaw } from './resources.js';

/**
 * Turns a profile command plus its argument into what a protocol session sends: raw frame values
 * or raw resource writes, the expected acknowledgement, timeout and retries. All scaling, label
 * mapping and bounds checks happen here (the shared layer), so sessions only move integers.
 */
export interface PlannedWrite {
  resource: string;
  raw: number;
  /** Pulse: write `releaseRaw` after this many ms. */
  holdMs?: number;
  releaseRaw?: number;
}

export interface CommandPlan {
  command: CommandName;
  send?: { message: string; raw: Record<string, number> };
  expect?: { message: string; raw: Record<string, number> };
  writes?: PlannedWrite[];
  timeoutMs: number;
  retries: number;
  effects: Record<string, RawValue>;
}

export class CommandError extends Error {
  constructor(
    message: string,
    readonly code: 'unsupported' | 'invalid_input' | 'not_found',
  ) {
    super(message);
  }
}

export function planCommand(profile: DeviceProfile, name: CommandName, arg?: number): CommandPlan {
  const c = profile.commands[name];
  if (!c)
    throw new CommandError(
      `${profile.model} has no "${name}" command (it has: ${Object.keys(profile.commands).join(', ')})`,
      'unsupported',
    );
  let param: number | undefined;
  if (c.param) {
    param = arg ?? c.param.default;
    if (!Number.isFinite(param) || param < c.param.min || param > c.param.max) {
      throw new CommandError(
        `${name}: ${c.param.name} ${arg} is outside ${c.param.min}..${c.param.max}${c.param.units ? ` ${c.param.units}` : ''}`,
        'invalid_input',
      );
    }
  } else if (arg !== undefined) throw new CommandError(`${name} takes no argument`, 'invalid_input');
  const sub = (v: RawValue): RawValue => (v === '$param' ? (param as number) : v);
  const rawOf = (values: Record<string, RawValue>) => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(values)) {
      const r = profile.resources[k];
      if (!r) throw new CommandError(`${name}: unknown resource ${k}`, 'invalid_input');
      try {
        out[k] = valueToRaw(r, sub(v), k);
      } catch (err) {
        if (err instanceof ResourceRangeError) throw new CommandError(`${name}: ${err.message}`, 'invalid_input');
        throw err;
      }
    }
    return out;
  };
  const plan: CommandPlan = { command: name, timeoutMs: c.timeoutMs, retries: c.retries, effects: c.effects };
  if (c.send) plan.send = { message: c.send.message, raw: rawOf(c.send.values) };
  if (c.expect) plan.expect = { message: c.expect.message, raw: rawOf(c.expect.values) };
  if (c.writes) {
    plan.writes = c.writes.map((w) => {
      const raw = rawOf({ [w.resource]: w.value })[w.resource] as number;
      const pw: PlannedWrite = { resource: w.resource, raw };
      if (w.holdMs !== undefined) {
        pw.holdMs = w.holdMs === '$param' ? (param as number) : w.holdMs;
        pw.releaseRaw = 0;
      }
      return pw;
    });
  }
  return plan;
}
