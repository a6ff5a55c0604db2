import type { CommandName, DeviceProfile } from '../../lib/device-profiles/profile-schema.js';

/**
 * Fail-safe policy, pure: gates stay closed after a fault (a gate that comes back online is sent
 * `close`), and a fire-alarm input holds open the egress gates it names. Hold-open wins over
 * everything while it lasts:
 * - no command may leave the gate closed: `close`/`release` are refused, `open`/`pulse` (which
 *   would let the controller or a timer close it again) are answered without being sent;
 * - a gate that reconnects, or reports a position other than open, is sent `hold_open` again;
 * - the room re-asserts `hold_open` periodically and retries it until it is acknowledged.
 *
 * Each fire input ("device/input") is in one of three states: `active`, `clear`, or `unknown`
 * (not read since start, or its device went offline). An unknown input holds its gates like an
 * active one when its device's `fireUnknown` is `hold_open` (the default): a daemon that restarts
 * during a fire, or starts with the IO board unplugged, never closes an exit it cannot prove safe.
 * An active input stays active (across restarts too: `persisted()` / `restored`) until the input
 * itself reads clear; nothing else (an alarm acknowledged, a latch reset) ends a fire.
 */
export interface SafetyCommand {
  gateId: string;
  command: CommandName;
  reason: string;
}

/** What to do with a requested command now. */
export type Verdict = { send: true } | { send: false; ok: true; note: string } | { send: false; ok: false; refused: string };

export type FireState = 'active' | 'clear' | 'unknown';

/** A fire input from the config: the gates it governs, and whether not knowing its state holds them. */
export interface FireSource {
  source: string;
  egress: readonly string[];
  unknownHolds: boolean;
}

/** A fire input whose state is not known (a fault to report): why, and the gates it holds. */
export interface FireFault {
  source: string;
  reason: 'unread' | 'offline';
  egress: readonly string[];
  holds: boolean;
}

/** Commands that move a gate, whatever the profile: while it is held open, only hold-open goes through. */
const MOVES_GATE = new Set<string>(['open', 'close', 'release', 'pulse']);

export class FailSafePolicy {
  /** `read`: read from the wire since its device came online (else a supervision fault: `why`). */
  private readonly sources = new Map<string, FireSource & { state: FireState; why: 'unread' | 'offline'; read: boolean }>();

  /**
   * `restored`: sources that were active when the last run ended (the persisted fire state);
   * they stay active until read clear, whatever `unknownHolds` says.
   */
  constructor(sources: readonly FireSource[] = [], restored: Iterable<string> = []) {
    for (const s of sources) this.sources.set(s.source, { ...s, state: 'unknown', why: 'unread', read: false });
    for (const r of restored) {
      const s = this.sources.get(r);
      if (s) s.state = 'active';
    }
  }

  private holds(s: FireSource & { state: FireState }): boolean {
    return s.state === 'active' || (s.state === 'unknown' && s.unknownHolds);
  }

  /** Fire sources holding this gate now, and why ("device/input: active|unread|offline"). */
  holdersOf(gateId: string): string[] {
    return [...this.sources.values()]
      .filter((s) => s.egress.includes(gateId) && this.holds(s))
      .map((s) => `${s.source}: ${s.state === 'active' ? 'active' : s.why}`);
  }

  isHeldOpen(gateId: string): boolean {
    for (const s of this.sources.values()) if (s.egress.includes(gateId) && this.holds(s)) return true;
    return false;
  }

  /** Whether any fire input governs this gate (an egress gate). */
  isEgress(gateId: string): boolean {
    for (const s of this.sources.values()) if (s.egress.includes(gateId)) return true;
    return false;
  }

  /** Gates held open now (the room re-asserts hold-open on them). */
  heldGates(): string[] {
    const out = new Set<string>();
    for (const s of this.sources.values()) if (this.holds(s)) for (const g of s.egress) out.add(g);
    return [...out];
  }

  /** Fire sources active now: what is persisted (an unknown one is not: it is unknown again at start). */
  persisted(): string[] {
    return [...this.sources.values()].filter((s) => s.state === 'active').map((s) => s.source);
  }

  stateOf(source: string): FireState | undefined {
    return this.sources.get(source)?.state;
  }

  /** Fire inputs not read since start, or offline, now (active ones too): each a fault to report. */
  faults(): FireFault[] {
    return [...this.sources.values()]
      .filter((s) => !s.read)
      .map((s) => ({ source: s.source, reason: s.why, egress: s.egress, holds: this.holds(s) }));
  }

  /** What to send a gate that (re)connects. */
  onGateOnline(gateId: string): SafetyCommand {
    return this.isHeldOpen(gateId)
      ? { gateId, command: 'hold_open', reason: `fire alarm (${this.holdersOf(gateId).join(', ')}): hold-open after the gate connected` }
      : { gateId, command: 'close', reason: 'fail-safe: closed after (re)connect' };
  }

  /**
   * A fire input was read (a change, or its first reading since its device came online):
   * commands for the gates whose hold changes. `egress` is used for a source not configured
   * up front (tests, a device added at run time).
   */
  onFireAlarm(source: string, active: boolean, egress: readonly string[] = []): SafetyCommand[] {
    let s = this.sources.get(source);
    if (!s) this.sources.set(source, (s = { source, egress, unknownHolds: false, state: 'clear', why: 'unread', read: true }));
    s.read = true;
    return this.transition(s, active ? 'active' : 'clear', `fire alarm ${source}`);
  }

  /** The device of a fire input went offline: its state is unknown again (an active one stays active). */
  onFireOffline(source: string): SafetyCommand[] {
    const s = this.sources.get(source);
    if (!s) return [];
    s.read = false;
    s.why = 'offline';
    if (s.state !== 'clear') return [];
    return this.transition(s, 'unknown', `fire input ${source} offline`);
  }

  private transition(s: FireSource & { state: FireState }, to: FireState, what: string): SafetyCommand[] {
    const before = new Map(s.egress.map((g) => [g, this.isHeldOpen(g)]));
    s.state = to;
    const out: SafetyCommand[] = [];
    for (const gateId of s.egress) {
      const was = before.get(gateId) as boolean;
      const now = this.isHeldOpen(gateId);
      if (now && !was) out.push({ gateId, command: 'hold_open', reason: to === 'active' ? what : `${what}: its state is unknown` });
      if (!now && was) out.push({ gateId, command: 'close', reason: `${what} cleared` });
    }
    return out;
  }

  /**
   * A gate reported its position: while held open, anything but open (or opening) is a
   * mismatch to correct with hold-open (and to report).
   */
  onGateState(gateId: string, state: string): SafetyCommand | undefined {
    if (!this.isHeldOpen(gateId) || state === 'open' || state === 'opening') return undefined;
    return { gateId, command: 'hold_open', reason: `position "${state}" while held open by a fire alarm` };
  }

  /** Whether a requested command is sent, answered without sending, or refused. */
  verdict(gateId: string, command: CommandName, movesGate = MOVES_GATE.has(command)): Verdict {
    if (!this.isHeldOpen(gateId) || command === 'hold_open' || !movesGate) return { send: true };
    if (command === 'open' || command === 'pulse')
      return { send: false, ok: true, note: `gate ${gateId} is held open by a fire alarm: already open, nothing sent` };
    return { send: false, ok: false, refused: `gate ${gateId} is held open by a fire alarm` };
  }

  /**
   * Whether a fail-safe command may be sent now (checked again when its turn on the line comes):
   * a `close` never reaches a gate that a fire input holds, whoever decided it and when.
   */
  mayRun(gateId: string, command: CommandName, movesGate = MOVES_GATE.has(command)): boolean {
    if (command === 'hold_open' || !movesGate) return true;
    if (command === 'open' || command === 'pulse') return true;
    return !this.isHeldOpen(gateId);
  }
}

/** Whether a profile command moves its gate: a move by name, or it writes or sets the gate's resource. */
export function movesGate(profile: DeviceProfile, command: CommandName): boolean {
  if (MOVES_GATE.has(command)) return true;
  const gate = profile.gate?.resource;
  const c = profile.commands[command];
  if (!gate || !c) return false;
  return gate in c.effects || (c.writes ?? []).some((w) => w.resource === gate);
}

/** The fire inputs of a set of devices (config + profile), for the policy. */
export function fireSources(
  devices: Iterable<{ id: string; profile: DeviceProfile; egress: readonly string[]; unknownHolds: boolean }>,
): FireSource[] {
  const out: FireSource[] = [];
  for (const d of devices)
    for (const [input, spec] of Object.entries(d.profile.inputs))
      if (spec.kind === 'fire_alarm' && d.egress.length > 0)
        out.push({ source: `${d.id}/${input}`, egress: d.egress, unknownHolds: d.unknownHolds });
  return out;
}

/** The persisted fire state: a small JSON document (see fire-state.ts). Unknown fields are ignored. */
export function parseFireState(text: string): { active: string[] } | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object') return undefined;
    const a = (v as { active?: unknown }).active;
    if (!Array.isArray(a) || !a.every((x) => typeof x === 'string')) return undefined;
    return { active: a };
  } catch {
    return undefined;
  }
}
