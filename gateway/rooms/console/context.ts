import type { ActionTable } from '../../core/actions.js';
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../store/database.js';
import type { Outbox } from '../../store/outbox.js';
import type { CameraViews } from '../../core/services.js';
import type { ConsoleAuth } from './auth.js';
import type { UserStore } from './accounts/user-store.js';
import type { ConsoleMetrics } from './metrics/metrics.js';

/** Health as /healthz reports it (no personal data). */
export interface Health {
  ok: boolean;
  /** Every room started (gateway.started seen, gateway.stopping not yet). */
  started: boolean;
  /** The store takes writes (no store.degraded outstanding). */
  store: 'ok' | 'degraded';
}

/** What the console's HTTP handlers work with. */
export interface ConsoleServerContext {
  log: Logger;
  actions: ActionTable;
  outbox: Outbox;
  db: Database;
  nodeId: string;
  version: string;
  startedAt: string;
  host: string;
  port: number;
  /** Extra host names the console may be reached by (console.allowedHosts). */
  allowedHosts: readonly string[];
  maxBodyBytes: number;
  maxConcurrentRequests: number;
  rateLimits: Record<string, number>;
  auth: ConsoleAuth;
  users: UserStore;
  cameras?: CameraViews;
  health(): Health;
  /** The MQTT uplink: up or down since when (null before the first attempt). */
  uplink(): { up: boolean | null; since: string | null };
  metrics?: ConsoleMetrics;
  /** The console's own account actions (routes/accounts.ts), never on the shared table. */
  accounts?: ActionTable;
  /** Bearer token /metrics requires; without it /metrics is served only on its own listen address (console.metricsListen). */
  metricsToken?: string;
  /** console.metricsListen: /metrics is served there (then the console port serves it only with the token). */
  metricsListen?: string;
  /** Reverse proxies whose X-Forwarded-For names the client (console.trustedProxies). */
  trustedProxies?: readonly string[];
  /** Bytes an event stream may have waiting for a slow reader before it is dropped. */
  maxStreamBufferBytes?: number;
}
