import { z } from 'zod';
import { ActionError, type ActionTable } from '../../core/actions.js';
import { errMessage } from '../../core/errors.js';
import { CommandError } from './command-plan.js';
import { COMMAND_NAMES } from '../../lib/device-profiles/profile-schema.js';
import { currentValueOf, PROFILE_FIELDS } from '../../core/wire-spelling.js';
import type { DevicesService } from './services.js';

/**
 * Requests the platform (MQTT request/<action>), the console and the CLI send to the devices
 * room: list devices, open a gate, run any profile command, drive a simulator (demo).
 */
const gateId = z.string().min(1).describe('Device id from the config.');

export function registerDeviceActions(actions: ActionTable, devices: DevicesService): void {
  const run = async (id: string, command: (typeof COMMAND_NAMES)[number], origin: string, arg?: number) => {
    let r;
    try {
      r = await devices.run(id, command, { origin, arg });
    } catch (err) {
      if (err instanceof CommandError) throw new ActionError(err.message, err.code);
      throw err;
    }
    const dev = devices.device(id);
    if (!r.ok)
      throw new ActionError(
        `${command} ${id} failed: ${r.refused ?? r.error ?? 'unknown'}${r.attempts ? ` after ${r.attempts} attempt(s)` : ''}`,
        r.refused ? 'refused' : r.error === 'offline' ? 'offline' : 'failed',
      );
    return {
      gateId: id,
      command,
      ok: true,
      attempts: r.attempts,
      ms: Math.round(r.ms * 100) / 100,
      gateState: dev?.gateState,
      ...(r.note ? { note: r.note } : {}),
    };
  };

  actions.register('devices/list', {
    role: 'viewer',
    description: 'Every configured device with its state: online, gate position, inputs, wire-fault counters.',
    input: z.strictObject({}).prefault({}),
    handle: () => ({ devices: devices.list() }),
  });
  actions.register('gate/open', {
    role: 'operator',
    replayGuard: true,
    description: 'Opens a gate (its profile\'s "open" command) and answers once the controller acknowledged it.',
    input: z.strictObject({ gateId }),
    handle: (input, actx) => run(input.gateId, 'open', actx.actor.channel),
  });
  actions.register('gate/command', {
    role: 'operator',
    replayGuard: true,
    description: 'Runs any command of a device profile: close, hold_open, release, pulse (with arg, e.g. ms), siren_on...',
    input: z.strictObject({
      gateId,
      // A command in the spelling before envelope version 2 (`hold-open`) runs as today's (`hold_open`).
      command: z.preprocess((v) => (typeof v === 'string' ? currentValueOf(PROFILE_FIELDS.command, v) : v), z.enum(COMMAND_NAMES)),
      arg: z.number().optional().describe("The command's parameter (pulse width in ms...)."),
    }),
    handle: (input, actx) => run(input.gateId, input.command, actx.actor.channel, input.arg),
  });
  actions.register('devices/simulate', {
    role: 'admin',
    description:
      'Sends a control line to a simulated device: press INPUT (a momentary button springs back by itself), hold INPUT, release INPUT, set RESOURCE VALUE, silent on|off, delay MS, garble on|off, state.',
    input: z.strictObject({ deviceId: gateId, control: z.string().min(1).max(200) }),
    handle: async (input) => {
      try {
        const reply = await devices.simulatorControl(input.deviceId, input.control);
        if (reply.startsWith('error')) throw new ActionError(reply.slice(6));
        return { deviceId: input.deviceId, reply };
      } catch (err) {
        if (err instanceof ActionError) throw err;
        throw new ActionError(errMessage(err));
      }
    },
  });
}
