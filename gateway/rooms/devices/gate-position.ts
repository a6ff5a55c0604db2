import type { DeviceProfile } from '../../lib/device-profiles/profile-schema.js';

/** A gate's position as the device reports it: open, closed, unknown before the first report, or a raw label. */
export type GateState = 'open' | 'closed' | 'unknown' | string;

/**
 * Whether the device reports its gate's position (pure, from the profile): the gate's resource
 * comes from the device in a from-device message (framed), from a Modbus table the session
 * polls, or from a GPIO input line. Otherwise the position the gateway knows is only what its
 * last command should have done (a relay it switched), and the console says "position not
 * reported" rather than a position it cannot know.
 */
export function positionReported(profile: DeviceProfile): boolean {
  const gate = profile.gate;
  if (!gate) return false;
  const r = profile.resources[gate.resource];
  if (!r) return false;
  if (profile.protocol.type === 'framed')
    return Object.values(profile.messages).some(
      (m) => m.direction === 'from-device' && m.payload.some((f) => f.name === gate.resource || (f.bits && gate.resource in f.bits)),
    );
  if (profile.protocol.type === 'modbus-rtu') return r.modbus !== undefined;
  return r.gpio?.direction === 'input';
}

/**
 * The gate position as the console shows it: 'not_reported' when the device cannot tell it,
 * 'open' for the profile's `alsoOpen` values too (display only: the fail-safe keeps the raw state),
 * else the device's state ('open', 'closed', 'unknown' before the first report, or a raw label).
 */
export function shownPosition(profile: DeviceProfile, state: GateState | undefined): GateState | undefined {
  const gate = profile.gate;
  if (!gate || state === undefined) return state;
  if (!positionReported(profile)) return 'not_reported';
  return gate.alsoOpen.some((v) => String(v) === state) ? 'open' : state;
}
