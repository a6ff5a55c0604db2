import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import type { GatewayContext } from '../../core/context.js';
import { EventBus } from '../../core/bus.js';
import { ActionTable } from '../../core/actions.js';
import { Database } from '../../store/database.js';
import { Outbox } from '../../store/outbox.js';
import { quietLog, tempDir } from './helpers.js';

/** A gateway context on a temp folder from a YAML config text, for the devices room tests. */
export function deviceTestContext(yaml: string): GatewayContext & { dispose(): void } {
  const dir = tempDir('se-devroom-');
  const loaded = parseConfig(yaml, { source: 'test', baseDir: dir, env: {} });
  const log = quietLog();
  const db = new Database(join(dir, 'gateway.db'));
  return {
    loaded,
    nodeId: 'test-node',
    version: '0.0.0-test',
    startedAt: new Date().toISOString(),
    dataDir: dir,
    log,
    bus: new EventBus({ log }),
    actions: new ActionTable(),
    db,
    outbox: new Outbox({ db, log, quotaBytes: 64 * 1024 * 1024 }),
    dispose: () => db.close(),
  };
}
