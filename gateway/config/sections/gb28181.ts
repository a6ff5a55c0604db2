import { z } from 'zod';

// Owned by the GB/T 28181 room (cloud-bridge/gb28181).
const gbId = z.string().regex(/^\d{20}$/, '20 decimal digits (GB/T 28181 code: centre 8 + industry 2 + type 3 + network 1 + serial 6)');

const server = z
  .strictObject({
    id: gbId.describe('SIP server id of the platform (its 20-digit code, type 200), as the platform operator gives it.'),
    domain: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,64}$/, 'digits, letters, "." or "-"')
      .optional()
      .describe("SIP domain (realm) of the platform; defaults to the first 10 digits of the server id, the standard's convention."),
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9.:-]+$/, 'an IP address or host name')
      .describe('Address of the platform SIP server.'),
    port: z.number().int().min(1).max(65535).default(5060).describe('SIP port of the platform.'),
    transport: z
      .enum(['udp', 'tcp'])
      .default('udp')
      .describe(
        'SIP transport to the platform. Over TCP the box opens its connection and also accepts the ones the platform opens to its SIP port.',
      ),
    extraAddresses: z
      .array(z.string().regex(/^[0-9A-Fa-f.:]+$/, 'an IP address'))
      .max(32)
      .default([])
      .describe(
        "Other addresses the platform may send requests from (a multi-homed or NATed platform). Requests are taken from the platform's resolved address, from the address it answered the REGISTER from, and from these; others are dropped.",
      ),
  })
  .describe('The platform (上级平台) the box registers with.');

export const gb28181Section = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Register with a GB/T 28181 platform as a device (下级设备). Off by default.'),
    server: server.optional(),
    deviceId: gbId.optional().describe("This box's 20-digit device id on the platform (required when enabled)."),
    username: z.string().min(1).max(64).optional().describe('Digest user name; defaults to the device id, as platforms expect.'),
    passwordFile: z.string().optional().describe('File holding the registration password (never inline in the config).'),
    localPort: z.number().int().min(0).max(65535).default(5060).describe("The box's SIP port; 0 picks a free one."),
    localHost: z
      .string()
      .regex(/^[0-9A-Fa-f.:]+$/, 'an IP address')
      .optional()
      .describe("Address the box announces in Via, Contact and SDP; defaults to the box's address on the route to the platform."),
    registerExpiresS: z
      .number()
      .int()
      .min(10)
      .max(86_400)
      .default(3600)
      .describe('Registration lifetime asked for (Expires); renewed before it ends.'),
    keepaliveIntervalS: z.number().min(1).max(3600).default(60).describe('Seconds between keepalive MESSAGEs.'),
    keepaliveMisses: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(3)
      .describe('Unanswered keepalives in a row after which the box registers again.'),
    retryMinMs: z
      .number()
      .int()
      .min(100)
      .default(2000)
      .describe('First delay before registering again after a failure; doubles up to retryMaxMs, with jitter.'),
    retryMaxMs: z.number().int().min(1000).default(60_000).describe('Longest delay between registration attempts.'),
    t1Ms: z
      .number()
      .int()
      .min(50)
      .max(5000)
      .default(500)
      .describe('SIP timer T1 (RFC 3261): UDP retransmissions start at T1 and a transaction times out after 64*T1.'),
    charset: z
      .enum(['GB2312', 'GB18030', 'UTF-8'])
      .default('GB2312')
      .describe(
        'Character set of MANSCDP XML bodies (names in the catalog, alarm descriptions). GB2312 and GB18030 are both written as GB18030, its superset: GB2312 text keeps its bytes, and a body with characters outside GB2312 declares GB18030 instead of losing them.',
      ),
    idPrefix: z
      .string()
      .regex(/^\d{10}$/, 'centre code (8 digits) + industry code (2 digits)')
      .optional()
      .describe('First 10 digits of the channel ids; defaults to those of deviceId.'),
    network: z
      .string()
      .regex(/^\d$/, 'one digit')
      .optional()
      .describe('Network digit (14th) of the channel ids; defaults to that of deviceId.'),
    channelIds: z
      .record(z.string(), gbId)
      .default({})
      .describe(
        'Pinned channel ids: camera or device id -> 20-digit id, when the platform operator assigns them. Others are derived (see cloud-bridge/gb28181/README.md).',
      ),
    name: z.string().min(1).max(64).optional().describe('Device name reported in DeviceInfo; defaults to the node id.'),
    civilCode: z
      .string()
      .regex(/^\d{2,8}$/, 'an administrative division code (2 to 8 digits)')
      .optional()
      .describe('CivilCode of the catalog items; defaults to the first 6 digits of the id prefix.'),
    maxLiveSessions: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(4)
      .describe('Live video sessions (INVITEs) served at once; more are refused with 486 Busy Here.'),
    alarmPriority: z
      .number()
      .int()
      .min(1)
      .max(4)
      .default(1)
      .describe('AlarmPriority of the Alarm notifications sent for alarm post presses (1 = highest, 一级警情).'),
  })
  .superRefine((s, ctx) => {
    if (!s.enabled) return;
    if (!s.server) ctx.addIssue({ code: 'custom', path: ['server'], message: 'required when gb28181.enabled is true' });
    if (!s.deviceId) ctx.addIssue({ code: 'custom', path: ['deviceId'], message: 'required when gb28181.enabled is true' });
  })
  .describe(
    'GB/T 28181 device (下级设备): registers with a city video platform, answers catalog/device queries, sends alarms, serves live video as PS over RTP.',
  );

export type Gb28181Config = z.output<typeof gb28181Section>;
