import { z } from 'zod';
import { DEFAULT_ACCOUNTS, ROLES } from '../../core/roles.js';

const tls = z
  .strictObject({
    caFile: z.string().optional().describe('PEM file of the CA that signed the broker certificate.'),
    certFile: z.string().optional().describe('PEM client certificate, for mutual TLS.'),
    keyFile: z.string().optional().describe('PEM private key of the client certificate.'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse brokers whose certificate does not verify. Leave on outside tests.'),
  })
  .describe('TLS settings for mqtts:// brokers.');

export const cloudSection = z
  .strictObject({
    url: z
      .string()
      .regex(/^(mqtts?|wss?):\/\/[^\s]+$/, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional()
      .describe('City platform broker. When absent the gateway starts an embedded broker on localhost.'),
    embeddedPort: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(1883)
      .describe('Port of the embedded broker (127.0.0.1) used when no url is set; 0 picks a free port.'),
    topicPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_/-]+$/, 'letters, digits, "_", "-" and "/"')
      .default('sharpeyes')
      .describe('First topic levels; topics are <prefix>/<nodeId>/...'),
    clientId: z.string().optional().describe('MQTT client id; defaults to sharpeyes-<nodeId>.'),
    username: z.string().optional().describe('Broker user name.'),
    passwordFile: z.string().optional().describe('File holding the broker password (never inline in the config).'),
    cli: z
      .strictObject({
        username: z.string().optional().describe('User name the CLI connects with.'),
        passwordFile: z.string().optional().describe('File holding its password.'),
        certFile: z
          .string()
          .optional()
          .describe(
            "With mutual TLS (cloud.tls.certFile): the CLI's own PEM client certificate, never the gateway's. On a broker with use_identity_as_username its CN is the CLI's account: make it cloud.cli.username.",
          ),
        keyFile: z.string().optional().describe('PEM private key of cloud.cli.certFile (readable by the CLI user only).'),
      })
      .prefault({})
      .describe(
        "With cloud.url: the account of its own the sharpeyes CLI on this box uses on that broker; its role is what cloud.accounts lists for it (e.g. operator). Without it the CLI refuses to connect: the gateway's account may not send requests, and the CLI would take the daemon's session over on a broker that binds client ids to accounts.",
      ),
    tls: tls.prefault({}),
    keepaliveS: z.number().int().min(5).max(3600).default(30).describe('MQTT keepalive in seconds.'),
    reconnectMinMs: z
      .number()
      .int()
      .min(100)
      .default(500)
      .describe('First reconnect delay; doubles up to reconnectMaxMs, each delay shortened by a random share of up to half (jitter).'),
    reconnectMaxMs: z.number().int().min(1000).default(30_000).describe('Longest reconnect delay.'),
    maxRequestBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(4 * 1024 * 1024)
      .describe('Request payloads larger than this are refused with an error response.'),
    inflight: z.number().int().min(1).max(10_000).default(200).describe('Events published and awaiting PUBACK at once.'),
    requestMaxAgeS: z
      .number()
      .min(5)
      .max(3600)
      .default(60)
      .describe(
        'Every request that changes something carries "ts" (ISO 8601 with a zone) and "nonce": older than this (or dated this far in the future) it is refused as stale; a nonce the same account used before is refused as replayed, also after a restart (<dataDir>/request-nonces.jsonl).',
      ),
    maxNonces: z
      .number()
      .int()
      .min(100)
      .max(10_000_000)
      .default(100_000)
      .describe(
        'Most nonces remembered (within requestMaxAgeS). Beyond it the oldest are forgotten and requests sent before them are refused as stale, so none can replay.',
      ),
    accounts: z
      .record(z.string().regex(/^[^+#/\s]{1,128}$/, 'an MQTT user name without "+", "#", "/" or spaces'), z.enum(ROLES))
      .default({ ...DEFAULT_ACCOUNTS })
      .describe(
        'Role of each MQTT account that sends requests (viewer, operator, admin, as console accounts): the platform, the CLI\'s cloud.cli account, operator tools. A request names its account in the topic (<prefix>/<nodeId>/from/<user>/request/<action>) and the broker ACL lets each account write only under its own name; requests on <prefix>/<nodeId>/request/<action> count as from "platform". An account not listed is refused.',
      ),
    maxConcurrentRequests: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(16)
      .describe(
        'Requests (platform, CLI, console) running at once, one requester at most three quarters of them; more are refused with "busy". Alarm list/ack/resolve need no slot.',
      ),
    requestsPerMinute: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(600)
      .describe('Default rate of each action per requester (burst as large); costly actions declare a lower one. Over it, "busy".'),
  })
  .describe('Link to the city platform over MQTT 5.');

export const outboxSection = z
  .strictObject({
    quotaMb: z
      .number()
      .min(1)
      .default(512)
      .describe(
        'Disk quota of unsent events. Over it, low-priority events are compacted (counted in an outbox.compacted event); alarms and access decisions are never dropped.',
      ),
    keepSentHours: z.number().min(0).default(24).describe('Sent events are kept this long for inspection, then deleted.'),
    keepSentMb: z.number().min(0).default(64).describe('Beyond this much, the oldest sent events are deleted sooner.'),
  })
  .describe('The store-and-forward queue of events for the platform.');
