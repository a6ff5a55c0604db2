import type { CommandName } from './profile-schema.js';

/**
 * Fail-safe policy, pure: gates stay closed after a fault (a gate that comes back online is sent
 * `close`), and a fire-alarm input holds open the egress gates it names until it clears. While a
 * fire alarm holds a gate open, commands that would close it are refused.
 */
export interface SafetyCommand {
  gateId: string;
  command: CommandName;
  reason: string;
}

export class FailSafePolicy {
  /** gateId -> fire-alarm sources ("device/input") currently holding it open. */
  private readonly holding = new Map<string, Set<string>>();

  isHeldOpen(gateId: string): boolean {
    return (this.holding.get(gateId)?.size ?? 0) > 0;
  }

  /** What to send a gate that (re)connects. */
  onGateOnline(gateId: string): SafetyCommand {
    return this.isHeldOpen(gateId)
      ? { gateId, command: 'hold-open', reason: 'fire alarm active' }
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

  /** A refusal reason for a requested command, or undefined when allowed. */
  refuse(gateId: string, command: CommandName): string | undefined {
    if (this.isHeldOpen(gateId) && (command === 'close' || command === 'release')) return `gate ${gateId} is held open by a fire alarm`;
    return undefined;
  }
}
