import { z } from 'zod';
import { ACTION_ERROR_CODES } from '../../gateway/core/error-codes.js';

/**
 * The payloads the bridge publishes or accepts, as zod schemas: the single source of their
 * TypeScript types and of the JSON Schemas in cloud-bridge/schemas/ (`npm run -s schemas`).
 */

/**
 * Version 2 (release 0.2.0): every value and event name in one spelling, snake_case
 * (`camera.clock_skew`, `alarm.fire_fault`, reasons such as `not_found`, `unauthorized`,
 * `visitor_expired`); the renamed ones are listed in gateway/core/wire-spelling.ts, which also
 * accepts the old spellings on input until 0.3.0. Version 1: the first format.
 */
export const ENVELOPE_VERSION = 2;

export const envelopeSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[0-9A-HJKMNP-TV-Z]{26}$/)
      .describe("ULID of the event; unique, the platform's dedupe key (a redelivery carries the same id)."),
    nodeId: z.string().min(1).describe('The node that recorded the event.'),
    kind: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/)
      .describe('Dotted event kind, also the last topic level(s) of events/<kind>.'),
    ts: z.iso.datetime().describe('When it happened (ISO 8601, UTC).'),
    seq: z.number().int().min(1).describe('Per-node sequence number, increasing by 1 without gaps in publication order.'),
    v: z.literal(ENVELOPE_VERSION).describe('Envelope format version.'),
    data: z.unknown().describe('The event payload; its schema depends on kind (schemas/events/<kind>.json).'),
  })
  .describe('One event published on <prefix>/<nodeId>/events/<kind> (QoS 1).');
export type Envelope = z.infer<typeof envelopeSchema>;

export const statusSchema = z
  .strictObject({
    state: z.enum(['online', 'offline']).describe('online while the bridge is connected; offline is the MQTT last will or a clean stop.'),
    nodeId: z.string().min(1),
    version: z.string().describe('Gateway software version.'),
    startedAt: z.iso.datetime().describe('When the daemon started.'),
    ts: z.iso.datetime().describe('When this status was written (for the last will: when the connection was opened).'),
  })
  .describe('Retained on <prefix>/<nodeId>/status.');
export type Status = z.infer<typeof statusSchema>;

export const availabilitySchema = z
  .strictObject({
    deviceId: z.string().min(1).describe('Device id from the config (gate controller, alarm post).'),
    state: z.enum(['online', 'offline']).describe('online while the device answers; offline after a silence, an unplug or a failed open.'),
    nodeId: z.string().min(1),
    model: z.string().describe('Device profile model.'),
    reason: z.string().optional().describe('Why it went offline (disconnected, no answer to heartbeat, ...).'),
    since: z.iso.datetime().describe('When it entered this state, as seen by the node.'),
  })
  .describe(
    'Retained on <prefix>/<nodeId>/devices/<deviceId>/availability, republished after every reconnect. Valid while the node status is online; when it is offline, the last known state.',
  );
export type Availability = z.infer<typeof availabilitySchema>;

export const requestSchema = z
  .strictObject({
    transaction: z.string().min(1).max(128).describe('Chosen by the requester; echoed in the response.'),
    input: z.unknown().optional().describe("The action's input, validated against that action's schema (default: {})."),
    ts: z
      .string()
      .max(40)
      .optional()
      .describe(
        'When it was sent, ISO 8601 with a zone (Z or ±hh:mm). Required for every action that changes something (all but reads): without a zone, older than cloud.requestMaxAgeS or as far in the future it is refused (stale).',
      ),
    nonce: z
      .string()
      .min(8)
      .max(128)
      .optional()
      .describe(
        'Unique per request of an account. Required with ts: a nonce the same account used before is refused (replayed), also after a restart of the node.',
      ),
  })
  .describe('A command on <prefix>/<nodeId>/from/<user>/request/<action> (or, from the platform, <prefix>/<nodeId>/request/<action>).');
export type Request = z.infer<typeof requestSchema>;

export const responseSchema = z
  .discriminatedUnion('status', [
    z.strictObject({
      transaction: z.string().describe("The request's transaction."),
      status: z.literal('ok'),
      data: z.unknown().describe('What the action returned.'),
    }),
    z.strictObject({
      transaction: z.string().nullable().describe("The request's transaction, or null when the request could not be read."),
      status: z.literal('error'),
      code: z
        .enum(ACTION_ERROR_CODES)
        .describe('Machine-readable reason: the error-code table in the README (gateway/core/error-codes.ts).'),
      error: z.string().min(1).describe('Readable reason, naming the faulty field when the input was wrong.'),
    }),
  ])
  .describe('The answer on <prefix>/<nodeId>/response/<action>.');
export type Response = z.infer<typeof responseSchema>;
