import { z } from 'zod';
import { defineEvents } from '../../core/event-spec.js';

const deviceId = z.string().describe('Device id from the config.');
const ts = z.string().describe('ISO 8601 time it happened on the box.');

/** The devices room's events: device health, inputs, gate commands, and the tamper and fire contacts' states. */
export const deviceEvents = defineEvents({
  'device.online': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        model: z.string().describe('Profile model.'),
        kind: z.string().describe("barrier, turnstile, pedestrian_gate, alarm_post or io_board (the profile's kind)."),
        simulated: z.boolean(),
      })
      .describe('A gate controller or alarm post answers again (first valid frame after start, unplug or silence).'),
  },
  'device.offline': {
    priority: 'normal',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        model: z.string(),
        reason: z.string().describe('disconnected, closed, write failed: ..., no answer to heartbeat, ...'),
      })
      .describe('A device stopped answering or its serial line went away; the gateway keeps reconnecting with backoff.'),
  },
  'device.input': {
    priority: 'compactable',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        input: z.string().describe('Input name from the profile.'),
        kind: z.string().describe("button, door_contact, vehicle_loop, tamper, fire_alarm or presence (the profile's input kind)."),
        active: z.boolean(),
        ts,
      })
      .describe('A debounced input change (low priority; alarms have their own never-dropped events).'),
  },
  'gate.command': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        command: z
          .string()
          .describe(
            "open, close, hold_open, release, pulse, siren_on, siren_off, light_on, light_off, ... (a command of the device's profile).",
          ),
        origin: z.string().describe('Who asked: platform, cli, console, access, alarms, fail_safe, shutdown.'),
        ok: z.boolean(),
        error: z
          .string()
          .optional()
          .describe('timeout, refused, offline, write_failed, exception_N (a Modbus exception code), or a refusal reason.'),
        note: z.string().optional().describe('Why nothing was sent although ok (an open at a gate a fire alarm holds open).'),
        attempts: z.number().int().min(0),
        ms: z.number().min(0).describe('From the request to the acknowledgement (or the failure).'),
        gateState: z.string().optional().describe('Gate position after the command, when the profile reports one.'),
        requestId: z.string().optional().describe('Id of what asked for it: the access.decision event id for origin "access".'),
        ts,
      })
      .describe('The result of a gate command (never dropped).'),
  },
  'gate.state': {
    priority: 'normal',
    published: false,
    schema: z
      .strictObject({
        deviceId,
        state: z.string().describe('open, closed, opening, closing, fault, unknown...'),
        ts,
      })
      .describe('The gate position as the device reports it.'),
  },
  'gate.mismatch': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        expected: z.string().describe('The position the fail-safe requires (open while a fire alarm holds the gate).'),
        actual: z.string().describe('The position the gate reported.'),
        action: z.string().describe('What the gateway did about it (hold_open re-sent).'),
        ts,
      })
      .describe('An egress gate reported a position other than open while a fire alarm held it open; the gateway corrected it.'),
  },
  'alarm.tamper': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({ deviceId, input: z.string(), active: z.boolean(), ts })
      .describe('A device housing was opened (active) or closed again.'),
  },
  'alarm.fire': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        input: z.string(),
        active: z.boolean(),
        egress: z.array(z.string()).describe('Gates held open while it is active.'),
        ts,
      })
      .describe('A fire_alarm input changed; egress gates are held open while it is active.'),
  },
  'alarm.fire_fault': {
    priority: 'never-dropped',
    published: true,
    schema: z
      .strictObject({
        deviceId,
        input: z.string(),
        fault: z
          .enum(['unread', 'offline', 'cleared'])
          .describe('unread: not read since the gateway started; offline: its device stopped answering; cleared: read again.'),
        egress: z.array(z.string()).describe('Gates it governs.'),
        holdsOpen: z.boolean().describe('Whether those gates are held open meanwhile (devices[].fireUnknown: hold_open, the default).'),
        ts,
      })
      .describe(
        'A fire_alarm input the gateway cannot read (a supervision fault): its egress gates are held open as for a fire until it reads clear again.',
      ),
  },
});
