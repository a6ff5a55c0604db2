import { z } from 'zod';

// Owned by the devices room (gateway/rooms/devices).
const device = z
  .strictObject({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, "_" and "-"')
      .describe('Device id, used in events, actions (gate/open {gateId}) and the CLI.'),
    name: z.string().optional().describe('Human name, e.g. "North vehicle gate".'),
    profile: z
      .string()
      .min(1)
      .describe('Device profile: a model name from device-profiles/ (e.g. barrier-bg300-framed) or a path to a profile YAML file.'),
    port: z
      .string()
      .optional()
      .describe('Serial device (e.g. /dev/ttyUSB0 or /dev/serial/by-id/...). Required for serial devices unless simulate is true.'),
    unitId: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .describe("Bus address (Modbus unit id or framed address); defaults to the profile's."),
    chip: z.string().optional().describe("GPIO chip (gpio profiles), e.g. gpiochip0; defaults to the profile's."),
    simulate: z
      .boolean()
      .default(false)
      .describe("Run the project's simulator for this device on a socat pty pair instead of real hardware (demo, tests)."),
    egress: z.array(z.string()).default([]).describe('Gates held open while a fire_alarm input of this device is active (egress on fire).'),
    fireUnknown: z
      .enum(['hold_open', 'ignore'])
      .default('hold_open')
      .describe(
        'While a fire_alarm input of this device has not been read since start, or the device is offline, its egress gates are held open as for a fire (hold_open, with an alarm.fire_fault event) or left as they are (ignore).',
      ),
    camera: z.string().optional().describe('Camera id linked to this device (alarm snapshots).'),
  })
  .describe('One gate controller, turnstile, alarm post or IO board.');

export const devicesSection = z
  .array(device)
  .default([
    { id: 'door-1', profile: 'turnstile-ts100-framed', simulate: true, egress: [], fireUnknown: 'hold_open' },
    { id: 'gate-1', profile: 'barrier-bg300-framed', simulate: true, egress: [], fireUnknown: 'hold_open' },
    { id: 'alarm-1', profile: 'alarm-post-sos200', simulate: true, egress: [], fireUnknown: 'hold_open', camera: 'demo-door' },
  ])
  .superRefine((list, ctx) => {
    const ids = new Set<string>();
    list.forEach((d, i) => {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate device id "${d.id}"` });
      ids.add(d.id);
    });
    list.forEach((d, i) => {
      d.egress.forEach((g, j) => {
        if (!ids.has(g))
          ctx.addIssue({ code: 'custom', path: [i, 'egress', j], message: `unknown device "${g}" (known: ${[...ids].join(', ')})` });
      });
    });
  })
  .describe(
    "Gate controllers and alarm posts, each described by a device profile. Without a config file, the demo's simulated turnstile (door-1), barrier gate (gate-1) and alarm post (alarm-1, linked to camera demo-door) run.",
  );

export type DeviceConfig = z.output<typeof device>;
