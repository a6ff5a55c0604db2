import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load.js';
import { EventBus } from '../../core/bus.js';
import { ActionTable } from '../../core/actions.js';
import { createLogger } from '../../core/logger.js';
import type { GatewayContext } from '../../core/context.js';
import { Database } from '../../store/database.js';
import { Outbox } from '../../store/outbox.js';

/** A real GatewayContext (SQLite in a temp folder) for tests of the cameras room. */
export function testContext(config: Record<string, unknown>): GatewayContext & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sharpeyes-cameras-'));
  const loaded = parseConfig(stringify({ node: { dataDir: dir }, ...config }), { source: 'test', baseDir: dir, env: {} });
  const log = createLogger({ level: (process.env.TEST_LOG_LEVEL as 'info' | undefined) ?? 'silent' });
  const db = new Database(join(dir, 'gateway.db'));
  return {
    loaded,
    nodeId: 'test',
    version: 'test',
    startedAt: new Date().toISOString(),
    dataDir: dir,
    log,
    bus: new EventBus({ log }),
    actions: new ActionTable(),
    db,
    outbox: new Outbox({ db, log, quotaBytes: 64 * 1024 * 1024 }),
    cleanup() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `cond` every 100 ms until it is true or `ms` passes. */
export async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
