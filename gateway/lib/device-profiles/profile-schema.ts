import { z } from 'zod';
import { CHECKSUM_NAMES } from './checksums.js';

/**
 * A device profile: one YAML file per gate controller / alarm post model in device-profiles/.
 * Adding hardware means adding a file, not code (as EdgeX device profiles do): the transport
 * (serial line or GPIO lines), the protocol (Modbus RTU, or a framed protocol described field by
 * field), the resources (named values with scaling, mappings and bounds), the commands (resource
 * writes or frames, with expected acknowledgements, timeouts and retries) and the inputs
 * (resources watched with a debounce).
 */

const hexBytes = z
  .string()
  .regex(/^[0-9A-Fa-f]{2}( [0-9A-Fa-f]{2})*$/, 'hex bytes separated by spaces, e.g. "AA 55"')
  .transform((s) => s.split(' ').map((h) => parseInt(h, 16)));

const name = z.string().regex(/^[a-z][a-zA-Z0-9-]*$/, 'a name: lowercase first, letters, digits, "-"');

export const COMMAND_NAMES = [
  'open',
  'close',
  'hold_open',
  'release',
  'status',
  'siren_on',
  'siren_off',
  'light_on',
  'light_off',
  'pulse',
  'reset',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
export const INPUT_KINDS = ['button', 'door_contact', 'vehicle_loop', 'tamper', 'fire_alarm', 'presence'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];
export const DEVICE_KINDS = ['barrier', 'turnstile', 'pedestrian_gate', 'alarm_post', 'io_board'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];
export const FIELD_TYPES = ['u8', 'u16be', 'u16le', 'i16be'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const serialTransport = z.strictObject({
  type: z.literal('serial'),
  baudRate: z.union([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].map((n) => z.literal(n))).describe('Line speed.'),
  dataBits: z
    .union([z.literal(7), z.literal(8)])
    .default(8)
    .describe('Data bits per character.'),
  parity: z.enum(['none', 'even', 'odd']).default('none').describe('Parity bit.'),
  stopBits: z
    .union([z.literal(1), z.literal(2)])
    .default(1)
    .describe('Stop bits.'),
});

const gpioTransport = z.strictObject({
  type: z.literal('gpio'),
  chip: z.string().default('gpiochip0').describe('GPIO character device (/dev/<chip>); the device config may override it.'),
});

const modbusProtocol = z.strictObject({
  type: z.literal('modbus-rtu'),
  defaultUnitId: z.number().int().min(1).max(247).default(1).describe('Slave address unless the device config sets unitId.'),
  pollMs: z
    .number()
    .int()
    .min(10)
    .max(10_000)
    .default(50)
    .describe('How often inputs and outputs are read; each poll is also the heartbeat.'),
});

const layoutField = z.strictObject({
  name,
  type: z.enum(['u8', 'u16be', 'u16le', 'payload']).describe('Wire type; "payload" is the variable part described by each message.'),
  role: z
    .enum(['address', 'length', 'checksum', 'code'])
    .optional()
    .describe('address: unit address; length: payload byte count; checksum; code: message discriminator.'),
});

const framedProtocol = z.strictObject({
  type: z.literal('framed'),
  header: hexBytes.describe('Bytes that start every frame.'),
  trailer: hexBytes.optional().describe('Bytes that end every frame.'),
  layout: z.array(layoutField).min(2).describe('Fields after the header, in wire order.'),
  lengthAdjust: z.number().int().min(-16).max(16).default(0).describe('Added to the payload byte count to get the length field value.'),
  checksum: z.strictObject({
    algorithm: z.enum(CHECKSUM_NAMES).describe('One of the known checksum algorithms.'),
    from: z
      .enum(['start', 'after-header'])
      .default('after-header')
      .describe('First byte covered; coverage ends before the checksum field.'),
  }),
  defaultAddress: z.number().int().min(0).max(255).default(1).describe('Unit address unless the device config sets unitId.'),
  maxFrameBytes: z.number().int().min(4).max(1024).default(64).describe('Longer frames are discarded as oversized.'),
  interByteTimeoutMs: z.number().int().min(1).max(2000).default(100).describe('A partial frame older than this is discarded.'),
});

const gpioProtocol = z.strictObject({ type: z.literal('gpio') });

const rawValue = z.union([z.number(), z.string(), z.boolean()]);

const resource = z.strictObject({
  type: z.enum(['bool', 'uint', 'int', 'enum']).describe('Engineering type after the shared transforms.'),
  description: z.string().optional(),
  scale: z.number().default(1).describe('value = raw * scale + offset (uint/int).'),
  offset: z.number().default(0),
  min: z.number().optional().describe('Smallest engineering value accepted or reported (required for uint/int).'),
  max: z.number().optional().describe('Largest engineering value accepted or reported (required for uint/int).'),
  units: z.string().optional(),
  map: z.record(z.string().regex(/^\d+$/), z.string()).optional().describe('enum: raw value -> label.'),
  modbus: z
    .strictObject({
      table: z.enum(['coil', 'discrete-input', 'holding-register', 'input-register']),
      address: z.number().int().min(0).max(65535),
    })
    .optional(),
  gpio: z
    .strictObject({
      line: z.number().int().min(0).max(1023),
      direction: z.enum(['input', 'output']),
      activeLow: z.boolean().default(false),
      bias: z.enum(['as-is', 'pull-up', 'pull-down', 'disabled']).default('as-is'),
    })
    .optional(),
});

const payloadField = z.strictObject({
  name: name.describe('A resource name, or a local name when `bits` splits the byte into resources.'),
  type: z.enum(FIELD_TYPES),
  bits: z.record(name, z.number().int().min(0).max(15)).optional().describe('resource -> bit index, for status bytes.'),
});

const message = z.strictObject({
  direction: z.enum(['to-device', 'from-device']),
  match: z
    .record(name, z.number().int().min(0).max(0xffff))
    .describe('Values of layout fields (usually the code) that identify this message.'),
  payload: z.array(payloadField).default([]),
});

const frameRef = z.strictObject({
  message: name,
  values: z.record(name, rawValue).default({}).describe('Payload values: numbers, enum labels, or "$param".'),
});

const write = z.strictObject({
  resource: name,
  value: rawValue.describe('Engineering value, enum label, or "$param".'),
  holdMs: z
    .union([z.number().int().min(1).max(60_000), z.literal('$param')])
    .optional()
    .describe('Pulse: after this long (ms, or the command param), write the opposite/zero value.'),
});

const command = z.strictObject({
  description: z.string().optional(),
  send: frameRef.optional().describe('framed: the frame to send.'),
  expect: frameRef
    .optional()
    .describe('framed: the acknowledgement that completes the command; the same message with other values is a refusal.'),
  writes: z.array(write).optional().describe('modbus-rtu / gpio: resource writes in order.'),
  param: z
    .strictObject({ name, default: z.number(), min: z.number(), max: z.number(), units: z.string().optional() })
    .optional()
    .describe('A numeric argument (e.g. pulse width in ms) used as "$param"; the shared layer enforces min/max.'),
  effects: z.record(name, rawValue).default({}).describe('Resource values known to hold once the command succeeded.'),
  timeoutMs: z.number().int().min(5).max(30_000).default(500),
  retries: z.number().int().min(0).max(10).default(2),
});

const input = z.strictObject({
  kind: z.enum(INPUT_KINDS),
  resource: name.describe('The bool/enum resource this input watches.'),
  active: rawValue.default(true).describe('Value (engineering) meaning active/pressed.'),
  debounceMs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .describe('Changes within this window after an emitted change are held back until it ends.'),
  mode: z
    .enum(['momentary', 'latching'])
    .default('momentary')
    .describe(
      'Buttons: momentary springs back when let go; latching stays pressed until the `reset` command (sent when the alarm is acknowledged).',
    ),
  reset: z.enum(COMMAND_NAMES).optional().describe('Latching inputs: the command that resets the input.'),
});

export const profileBase = z.strictObject({
  model: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and "-"')
    .describe('Unique model name; the device config refers to it.'),
  vendor: z.string(),
  kind: z.enum(DEVICE_KINDS),
  description: z.string().optional(),
  displayName: z
    .strictObject({ zh: z.string().min(1).max(60), en: z.string().min(1).max(60) })
    .optional()
    .describe(
      "The model as people call it, in Chinese and English: the console shows it per the account's locale when the device config gives no name.",
    ),
  transport: z.discriminatedUnion('type', [serialTransport, gpioTransport]),
  protocol: z.discriminatedUnion('type', [modbusProtocol, framedProtocol, gpioProtocol]),
  resources: z.record(name, resource),
  messages: z.record(name, message).default({}),
  commands: z.partialRecord(z.enum(COMMAND_NAMES), command),
  inputs: z.record(name, input).default({}),
  gate: z
    .strictObject({
      resource: name,
      open: rawValue,
      closed: rawValue,
      alsoOpen: z
        .array(rawValue)
        .default([])
        .describe(
          'Other values the console shows as open (a turnstile letting one person through). Display only: the fire hold_open still needs `open`.',
        ),
    })
    .optional()
    .describe('Which resource tells the gate position, and its open/closed values.'),
  heartbeat: z
    .strictObject({
      command: z.enum(COMMAND_NAMES).default('status'),
      everyMs: z.number().int().min(50).max(60_000).default(1000),
      misses: z.number().int().min(1).max(20).default(2),
    })
    .optional()
    .describe('framed: a command sent periodically; this many misses in a row mean offline.'),
});

export type DeviceProfile = z.output<typeof profileBase>;

export type ProfileResource = DeviceProfile['resources'][string];
export type ProfileCommand = NonNullable<DeviceProfile['commands'][CommandName]>;
export type ProfileMessage = DeviceProfile['messages'][string];
export type ProfileInput = DeviceProfile['inputs'][string];
export type FramedProtocol = Extract<DeviceProfile['protocol'], { type: 'framed' }>;
export type ModbusProtocol = Extract<DeviceProfile['protocol'], { type: 'modbus-rtu' }>;
export type RawValue = z.output<typeof rawValue>;
