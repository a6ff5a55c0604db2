import type { CommandName, DeviceProfile } from './profile-schema.js';

/**
 * Fail-safe policy, pure: gates stay closed after a fault (a gate that comes back online is sent
 * `close`), and a fire-alarm input holds open the egress gates it names until every fire input
 * that holds them clears. Hold-open wins over everything while it lasts:
 * - no command may leave the gate closed: `close`/`release` are refused, `open`/`pulse` (which
 *   would let the controller or a timer close it again) are answered without being sent;
 * - a gate that reconnects, or reports a position other than open, is sent `hold-open` again;
 * - the room re-asserts `hold-open` periodically and retries it until it is acknowledged.
 */
export interface SafetyCommand {
  gateId: string;
  command: CommandName;
  reason: string;
}

/** What to do with a requested command now. */
export type Verdict = { send: true } | { send: false; ok: true; note: string } | { send: false; ok: false; refused: string };

/** Commands that move a gate, whatever the profile: while it is held open, only hold-open goes through. */
const MOVES_GATE = new Set<string>(['open', 'close', 'release', 'pulse']);

export class FailSafePolicy {
  /** gateId -> fire-alarm sources ("device/input") currently holding it open. */
  private readonly holding = new Map<string, Set<string>>();

  isHeldOpen(gateId: string): boolean {
    return (this.holding.get(gateId)?.size ?? 0) > 0;
  }

  /** Gates held open now (the room re-asserts hold-open on them). */
  heldGates(): string[] {
    return [...this.holding].filter(([, s]) => s.size > 0).map(([g]) => g);
  }

  /** What to send a gate that (re)connects. */
  onGateOnline(gateId: string): SafetyCommand {
    return this.isHeldOpen(gateId)
      ? { gateId, command: 'hold-open', reason: 'fire alarm active: hold-open re-asserted after the gate reconnected' }
      : { gateId, command: 'close', reason: 'fail-safe: closed after (re)connect' };
  }

  /** A fire-alarm input changed: commands for the egress gates it names. */
  onFireAlarm(source: string, active: boolean, egress: readonly string[]): SafetyCommand[] {
    const out: SafetyCommand[] = [];
    for (const gateId of egress) {
      let set = this.holding.get(gateId);
      if (!set) this.holding.set(gateId, (set = new Set()));
      const before = set.size > 0;
      if (active) set.add(source);
      else set.delete(source);
      const after = set.size > 0;
      if (active && !before) out.push({ gateId, command: 'hold-open', reason: `fire alarm ${source}` });
      if (!active && before && !after) out.push({ gateId, command: 'close', reason: `fire alarm ${source} cleared` });
    }
    return out;
  }

  /**
   * A gate reported its position: while held open, anything but open (or opening) is a
   * mismatch to correct with hold-open (and to report).
   */
  onGateState(gateId: string, state: string): SafetyCommand | undefined {
    if (!this.isHeldOpen(gateId) || state === 'open' || state === 'opening') return undefined;
    return { gateId, command: 'hold-open', reason: `position "${state}" while held open by a fire alarm` };
  }

  /** Whether a requested command is sent, answered without sending, or refused. */
  verdict(gateId: string, command: CommandName, movesGate = MOVES_GATE.has(command)): Verdict {
    if (!this.isHeldOpen(gateId) || command === 'hold-open' || !movesGate) return { send: true };
    if (command === 'open' || command === 'pulse')
      return { send: false, ok: true, note: `gate ${gateId} is held open by a fire alarm: already open, nothing sent` };
    return { send: false, ok: false, refused: `gate ${gateId} is held open by a fire alarm` };
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
