import type { LoadedConfig } from '../config/load.js';
import type { Logger } from './logger.js';
import type { EventBus } from './bus.js';
import type { ActionTable } from './actions.js';
import type { Database } from '../store/database.js';
import type { Outbox } from '../store/outbox.js';

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
  actions: ActionTable;
  db: Database;
  outbox: Outbox;
}
