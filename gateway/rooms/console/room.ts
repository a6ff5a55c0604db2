import type { GatewayContext } from '../../core/context.js';
import type { Room, Scope } from '../../core/room.js';
import { componentLogger, type Logger } from '../../core/logger.js';
import { readSecretFile } from '../../config/load.js';
import type { CameraViews } from '../../core/services.js';
import { ConsoleServer } from './server.js';
import { ConsoleAuth } from './auth.js';
import { UserStore } from './accounts/user-store.js';
import { ConsoleMetrics } from './metrics/metrics.js';
import type { Health } from './context.js';
import { writeHealthProbe } from './health-probe.js';
import { ActionTable } from '../../core/actions.js';
import { registerConsoleAccountActions } from './accounts/console-actions.js';

/** The store is probed with a real write at most this often (/healthz may be polled every few seconds). */
const STORE_PROBE_MS = 30_000;

/**
 * The local web console: logins, the dashboard and pages, the same actions the platform has
 * (through the one action table, as the logged-in user), live view, /healthz and /metrics.
 */
export class ConsoleRoom implements Room {
  readonly name = 'console';
  private readonly log: Logger;
  private server: ConsoleServer | undefined;
  private metrics: ConsoleMetrics | undefined;
  private users: UserStore | undefined;
  private started = false;
  private storeProbe = { at: 0, ok: true };
  private uplink: { up: boolean | null; since: string | null } = { up: null, since: null };

  constructor(
    private readonly ctx: GatewayContext,
    private readonly deps: { cameras?: CameraViews } = {},
  ) {
    this.log = componentLogger(ctx.log, 'console');
  }

  url(): string | undefined {
    return this.server?.url;
  }

  summary(): string[] {
    if (!this.server) return [];
    const noAdmin = this.users && !this.users.hasAdmin();
    return [`console:  ${this.server.url}`, ...(noAdmin ? ['          no account yet: sharpeyes users add NAME --role admin'] : [])];
  }

  async start(scope: Scope): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.loaded.config.console;
    if (!cfg.enabled) return;
    const users = new UserStore(ctx.db);
    this.users = users;
    if (!users.hasAdmin())
      this.log.warn(
        'the console has no admin account yet: create one with `sharpeyes users add NAME --role admin` (the console says so until then)',
      );
    const auth = new ConsoleAuth({
      users,
      log: this.log,
      audit: (e) => ctx.audit.record(e),
      idleMs: cfg.sessionIdleMinutes * 60_000,
      absoluteMs: cfg.sessionMaxHours * 3600_000,
      maxSessionsPerUser: cfg.maxSessionsPerUser,
    });
    const metrics = new ConsoleMetrics({ actions: ctx.actions, outbox: ctx.outbox });
    // Changes are audited; listing the accounts (admin-only, but a read) is not.
    const accounts = new ActionTable({ onAudit: (e) => void (e.action !== 'users/list' && ctx.audit.record(e)) });
    registerConsoleAccountActions(accounts, users, { audit: (e) => ctx.audit.record(e) });
    this.metrics = metrics;
    scope.on('gateway.started', () => void (this.started = true));
    scope.on('gateway.stopping', () => void (this.started = false));
    scope.on('access.decision', (d) => metrics.decision(d));
    scope.on('cloud.link', (d) => void (this.uplink = { up: d.up, since: new Date().toISOString() }));
    scope.on('alarm.acknowledged', (d, meta) => metrics.acknowledged(d.pressedAt, meta.ts));
    this.server = new ConsoleServer({
      log: this.log,
      actions: ctx.actions,
      outbox: ctx.outbox,
      db: ctx.db,
      nodeId: ctx.nodeId,
      version: ctx.version,
      startedAt: ctx.startedAt,
      host: cfg.host,
      port: cfg.port,
      allowedHosts: cfg.allowedHosts,
      maxBodyBytes: ctx.loaded.config.cloud.maxRequestBytes,
      maxConcurrentRequests: cfg.maxConcurrentRequests,
      rateLimits: cfg.rateLimits,
      auth,
      users,
      ...(this.deps.cameras ? { cameras: this.deps.cameras } : {}),
      health: () => this.health(),
      uplink: () => this.uplink,
      metrics,
      accounts,
      ...(cfg.metricsTokenFile ? { metricsToken: readSecretFile(ctx.loaded, cfg.metricsTokenFile, 'console.metricsTokenFile') } : {}),
      ...(cfg.metricsListen ? { metricsListen: cfg.metricsListen } : {}),
      trustedProxies: cfg.trustedProxies,
    });
    await this.server.start();
    this.log.info({ url: this.server.url }, 'console listening');
    if (this.server.metricsUrl) this.log.info({ url: this.server.metricsUrl }, 'metrics listening');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
    this.metrics?.close();
  }

  private health(): Health {
    const now = Date.now();
    if (now - this.storeProbe.at >= STORE_PROBE_MS) {
      this.storeProbe.at = now;
      try {
        writeHealthProbe(this.ctx.db, new Date(now));
        this.storeProbe.ok = true;
      } catch (err) {
        this.storeProbe.ok = false;
        this.log.warn({ err }, 'health probe: the store refuses writes');
      }
    }
    const store = this.storeProbe.ok && !this.ctx.events.status().degraded ? 'ok' : 'degraded';
    return { ok: this.started && store === 'ok', started: this.started, store };
  }
}
