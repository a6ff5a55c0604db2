import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { resolveConfigPath } from '../config/load.js';
import { componentLogger, type Logger } from './logger.js';
import { EventBus } from './bus.js';
import { ActionTable } from './actions.js';
import { ReplayGuard } from './replay-guard.js';
import { AuditLog } from './audit/log.js';
import { EventPublisher } from './publisher.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { Journal } from '../store/journal.js';
import { ActionLimits } from './action-limits.js';
import { VERSION } from './version.js';

/** What every room is built from: one context object, not positional arguments. */
export interface GatewayContext {
  loaded: LoadedConfig;
  nodeId: string;
  version: string;
  startedAt: string;
  /** Absolute data folder (database, snapshots, runtime files). */
  dataDir: string;
  log: Logger;
  bus: EventBus;
  /** Publishes events: the bus at once, the outbox for the platform (core/publisher.ts). */
  events: EventPublisher;
  actions: ActionTable;
  /** The one audit log: changes through the action table, and console sign-ins. */
  audit: AuditLog;
  db: Database;
  outbox: Outbox;
}

/** Builds the context of a daemon (or a test) from a loaded config: database, outbox, bus. */
export function createContext(loaded: LoadedConfig, log: Logger, opts: { dataDir?: string; version?: string } = {}): GatewayContext {
  const dataDir = opts.dataDir ?? resolveConfigPath(loaded, loaded.config.node.dataDir);
  const db = new Database(resolve(dataDir, 'gateway.db'), { busyTimeoutMs: 0, checkpointInWorker: true }); // the loop never waits on the disk
  const outbox = new Outbox({
    db,
    log: componentLogger(log, 'outbox'),
    quotaBytes: Math.round(loaded.config.outbox.quotaMb * 1024 * 1024),
  });
  const bus = new EventBus({ log: componentLogger(log, 'bus') });
  const events = new EventPublisher({
    bus,
    outbox,
    db,
    log: componentLogger(log, 'events'),
    journal: new Journal(resolve(dataDir, 'events.journal')),
  });
  const audit = new AuditLog({ db, events });
  const actions = new ActionTable({
    // Nonces persist beside the database: a request captured before a restart cannot replay after it.
    replayGuard: new ReplayGuard(loaded.config.cloud.requestMaxAgeS, {
      file: resolve(dataDir, 'request-nonces.jsonl'),
      maxEntries: loaded.config.cloud.maxNonces,
      warn: (msg) => log.warn({ component: 'replay-guard' }, msg),
    }),
    onAudit: (entry) => audit.record(entry),
    limits: new ActionLimits({
      maxConcurrent: loaded.config.cloud.maxConcurrentRequests,
      defaultRate: { perMinute: loaded.config.cloud.requestsPerMinute },
    }),
  });
  return {
    loaded,
    nodeId: loaded.nodeId,
    version: opts.version ?? VERSION,
    startedAt: new Date().toISOString(),
    dataDir,
    log,
    bus,
    events,
    actions,
    audit,
    db,
    outbox,
  };
}
