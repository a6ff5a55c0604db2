import type { TestContext } from '../../../testing/context.js';
import { AuditLog } from '../../../core/audit/log.js';
import { ConsoleServer } from '../server.js';
import { ConsoleAuth, type AuthOptions } from '../auth.js';
import type { ConsoleServerContext } from '../context.js';
import { UserStore } from '../accounts/user-store.js';

/** Test helpers for the console room (not a test file: imported by *.test.ts). */

/** A cheap scrypt for tests: real hashing, seconds saved per login. */
export const FAST_KDF = { ln: 10, r: 8, p: 1 };

/**
 * A console server on a free loopback port over the test context's store and actions, with the
 * defaults the console tests share; `over` and `auth` change what a test is about.
 */
export async function startTestConsole(
  ctx: TestContext,
  over: Partial<ConsoleServerContext> = {},
  auth: Partial<AuthOptions> = {},
): Promise<{ server: ConsoleServer; port: number; audit: AuditLog }> {
  const audit = new AuditLog({ db: ctx.db, events: ctx.events });
  const users = () => new UserStore(ctx.db);
  const server = new ConsoleServer({
    log: ctx.log,
    actions: ctx.actions,
    outbox: ctx.outbox,
    db: ctx.db,
    nodeId: ctx.nodeId,
    version: '9.9.9',
    startedAt: ctx.startedAt,
    host: '127.0.0.1',
    port: 0,
    allowedHosts: [],
    maxBodyBytes: 65536,
    maxConcurrentRequests: 8,
    rateLimits: {},
    auth: new ConsoleAuth({
      users: users(),
      log: ctx.log,
      audit: (e) => audit.record(e),
      idleMs: 60_000,
      absoluteMs: 3600_000,
      kdf: FAST_KDF,
      ...auth,
    }),
    users: users(),
    health: () => ({ ok: true, started: true, store: 'ok' }),
    uplink: () => ({ up: true, since: null }),
    ...over,
  });
  await server.start();
  return { server, port: Number(new URL(server.url).port), audit };
}
