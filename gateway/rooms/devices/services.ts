/**
 * The services the devices room offers other rooms (typed interfaces, implemented by DevicesRoom
 * in room.ts): its actions and the rooms that use it import these, not the room.
 */
import type { Device } from './device.js';
import type { CommandName, DeviceProfile } from '../../lib/device-profiles/profile-schema.js';
import type { CommandResult } from './session.js';

/** What other rooms may ask of gates and posts (access opens gates, alarms switch the strobe). */
export interface GateControl {
  run(deviceId: string, command: CommandName, opts: { origin: string; arg?: number; requestId?: string }): Promise<GateResult>;
}

export type GateResult = CommandResult & { ms: number; refused?: string; note?: string };

/** What other rooms may know of a configured device (the alarms room: which inputs are alarm buttons). */
export interface DeviceInfo {
  id: string;
  name: string | undefined;
  /** The profile's display name (zh, en), for where the config gives no name. */
  displayName?: DeviceProfile['displayName'];
  kind: DeviceProfile['kind'];
  model: string;
  camera: string | undefined;
  /** The command that resets a latching input, by input name. */
  resetOf: Record<string, CommandName | undefined>;
}

export interface DeviceDirectory {
  info(deviceId: string): DeviceInfo | undefined;
}

/** The fire inputs' states (the alarms room: whether a fire input fault still stands). */
export interface FireInputs {
  /** As the fail-safe policy has it (unknown: unread since start, or offline); undefined if not a configured fire input. */
  fireInput(deviceId: string, input: string): 'active' | 'clear' | 'unknown' | undefined;
}

export interface DevicesService extends GateControl {
  list(): ReturnType<Device['snapshot']>[];
  device(id: string): Device | undefined;
  simulatorControl(deviceId: string, line: string): Promise<string>;
}
