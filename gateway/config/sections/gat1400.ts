import { z } from 'zod';

const viidId = z.string().regex(/^\d{20}$/, '20 digits (GA/T 1400 / GB/T 28181 device code)');

const camera = z.strictObject({
  id: z.string().min(1).describe('Camera id (as in cameras.list).'),
  deviceId: viidId
    .optional()
    .describe("The camera's VIID DeviceID. Default: derived from gat1400.deviceId and the camera id (logged at start)."),
  tollgateId: viidId.optional().describe("TollgateID of the camera's vehicle records. Default: the camera's DeviceID."),
});

export const gat1400Section = z
  .strictObject({
    enabled: z.boolean().default(false).describe('Push face and vehicle records to a GA/T 1400 (视图库) platform, besides MQTT.'),
    url: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'an http:// or https:// URL')
      .optional()
      .describe('Base URL of the platform (the /VIID/... paths go under it), e.g. http://10.1.2.3:8080. Required when enabled.'),
    deviceId: viidId.optional().describe("This gateway's DeviceID on the platform (User-Identify, RegisterObject). Required when enabled."),
    username: z.string().min(1).optional().describe('Digest user name. Default: deviceId.'),
    passwordFile: z.string().optional().describe('File holding the Digest password (never inline in the config).'),
    caFile: z.string().optional().describe('PEM file of the CA that signed an https platform certificate (default: the system CAs).'),
    keepaliveS: z.number().int().min(10).max(600).default(60).describe('Keepalive interval; a keepalive refused with 401 registers again.'),
    retryMinMs: z
      .number()
      .int()
      .min(100)
      .default(1000)
      .describe('First retry delay after a failed request or registration; doubles up to retryMaxMs, with jitter.'),
    retryMaxMs: z.number().int().min(1000).default(60_000).describe('Longest retry delay.'),
    requestTimeoutS: z
      .number()
      .min(1)
      .max(300)
      .default(15)
      .describe('A request without a complete answer within this time counts as failed (retried).'),
    batchSize: z.number().int().min(1).max(200).default(10).describe('Records per POST /VIID/Faces or /VIID/MotorVehicles.'),
    deadLetters: z
      .strictObject({
        attempts: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(5)
          .describe(
            'Refusals of one record (a non-zero StatusCode, a 4xx, a 5xx or an unreadable answer to it alone) before it is set aside as a dead letter and the records behind it go on. A platform that is away or busy (no answer, 502–504, 429) never counts, nor one that fails every record alike (the next record sent alone fails the same way): the records wait in order.',
          ),
        keepDays: z.number().int().min(1).max(365).default(30).describe('Dead letters older than this are deleted.'),
        maxLetters: z
          .number()
          .int()
          .min(10)
          .max(1_000_000)
          .default(10_000)
          .describe('At most this many dead letters are kept (the oldest go first).'),
      })
      .prefault({})
      .describe(
        'Records the platform kept refusing, set aside in <dataDir>/gat1400-dead-letters.db with their reason; listed by gat1400/dead-letters, sent again by gat1400/dead-letters/replay.',
      ),
    timeZone: z
      .string()
      .regex(/^[+-]\d{2}:?\d{2}$/, 'a UTC offset such as +08:00')
      .default('+08:00')
      .describe('UTC offset of the yyyyMMddHHmmss times the platform expects.'),
    faces: z.boolean().default(true).describe('Push recognised residents (face.recognized) as FaceObject; no name or resident id is sent.'),
    strangers: z.boolean().default(false).describe('Also push faces that matched no resident (face.unknown).'),
    vehicles: z.boolean().default(true).describe('Push plate reads (plate.recognized) as MotorVehicleObject.'),
    images: z
      .strictObject({
        face: z.boolean().default(true).describe('Attach the face crop (type 11) to face records.'),
        scene: z.boolean().default(true).describe('Attach the scene (type 14) to vehicle records.'),
        plate: z.boolean().default(true).describe('Attach the plate crop (type 02) to vehicle records.'),
      })
      .prefault({})
      .describe('Pictures sent with the records (base64 in SubImageList); only what the record needs.'),
    cameras: z.array(camera).default([]).describe('VIID ids per camera; cameras not listed get derived ids.'),
  })
  .superRefine((s, ctx) => {
    if (!s.enabled) return;
    if (!s.url) ctx.addIssue({ code: 'custom', path: ['url'], input: s.url, message: 'required when gat1400.enabled is true' });
    if (!s.deviceId)
      ctx.addIssue({ code: 'custom', path: ['deviceId'], input: s.deviceId, message: 'required when gat1400.enabled is true' });
    const seen = new Set<string>();
    s.cameras.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], input: c.id, message: `camera ${c.id} listed twice` });
      seen.add(c.id);
    });
  })
  .describe('GA/T 1400 (视图库) uplink: register, keepalive, and push faces and vehicles through the outbox (off by default).');
