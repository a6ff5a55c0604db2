import { z } from 'zod';

export const consoleSection = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe('Serve the local web console (dashboard, gates, alarms, residents, vehicles, visitors, watchlist, events, live view).'),
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Interface to listen on. Every page needs a login (create the first admin with `sharpeyes users add NAME --role admin`).'),
    port: z.number().int().min(0).max(65535).default(8080).describe('TCP port; 0 picks a free one.'),
    allowedHosts: z
      .array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name'))
      .max(32)
      .default([])
      .describe(
        'Host names the console may be reached by, besides IP addresses, localhost and console.host (e.g. gate-box.local behind a name). Any other Host header is refused (DNS rebinding).',
      ),
    sessionIdleMinutes: z
      .number()
      .min(1)
      .max(24 * 60)
      .default(30)
      .describe('A session without a request for this long ends.'),
    sessionMaxHours: z
      .number()
      .min(0.1)
      .max(168)
      .default(12)
      .describe('A session ends this long after login, whatever happens (one shift).'),
    maxConcurrentRequests: z.number().int().min(1).max(256).default(8).describe('Requests handled at once; more are refused with "busy".'),
    rateLimits: z
      .record(z.string(), z.number().int().min(1).max(100_000))
      .default({})
      .describe(
        'Requests a minute per user for an action, overriding the defaults (gate/* 30, residents/add and residents/check 12, other changes 60, reads 600).',
      ),
    metricsTokenFile: z
      .string()
      .optional()
      .describe('File holding the bearer token /metrics requires (on the console port and on metricsListen).'),
    metricsListen: z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+|localhost):\d{1,5}$/, 'ADDRESS:PORT, e.g. 127.0.0.1:9464')
      .optional()
      .describe(
        'A listen address of its own for /metrics (e.g. 127.0.0.1:9464), for a scraper on this machine or a monitoring network; without metricsTokenFile it needs no token. Without either, /metrics is not served: behind a local proxy every client would look local.',
      ),
    trustedProxies: z
      .array(z.ipv4().or(z.ipv6()))
      .max(32)
      .default([])
      .describe(
        'Addresses of reverse proxies in front of the console (e.g. 127.0.0.1 for the local TLS proxy): from them X-Forwarded-For names the client, for lockouts and audit. From any other peer the header is ignored.',
      ),
    maxSessionsPerUser: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("Sessions one account keeps at most; its own oldest ends at the next login (never another account's)."),
  })
  .describe('The local web console for property staff, guards and installers.');
