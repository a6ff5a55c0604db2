import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load.js';
import type { GatewayContext } from '../core/context.js';
import { createLogger } from '../core/logger.js';
import { EventBus } from '../core/bus.js';
import { ActionTable } from '../core/actions.js';
import { registerCoreActions } from '../core/core-actions.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';

export interface TestContext extends GatewayContext {
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  dispose(): void;
}

/**
 * The one test context of the project: a real GatewayContext (SQLite in a temp folder) from a
 * config given as YAML text or as an object (`node.id` defaults to `test-node`), with the core
 * actions registered and logs captured for assertions. Rooms' tests build on it.
 */
export function testContext(config: string | Record<string, unknown> = '', opts: { dir?: string } = {}): TestContext {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sharpeyes-ctx-'));
  const yaml = typeof config === 'string' ? config : stringify(config);
  const loaded = parseConfig(yaml, { source: 'test', baseDir: dir, env: {} });
  if (!loaded.config.node.id) loaded.nodeId = 'test-node';
  const logs: Record<string, unknown>[] = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  const log = createLogger({
    level: 'debug',
    destination: {
      write(s: string) {
        for (const line of s.split('\n')) {
          if (!line) continue;
          const obj = JSON.parse(line) as Record<string, unknown>;
          logs.push(obj);
          if (process.env.TEST_LOGS) process.stderr.write(`${line}\n`);
          for (const w of [...waiters]) {
            if (w.match(obj)) {
              waiters.delete(w);
              w.resolve(obj);
            }
          }
        }
      },
    },
  });
  const db = new Database(join(dir, 'gateway.db'));
  const outbox = new Outbox({ db, log, quotaBytes: Math.round(loaded.config.outbox.quotaMb * 1024 * 1024) });
  const ctx: TestContext = {
    loaded,
    nodeId: loaded.nodeId,
    version: '0.0.0-test',
    startedAt: new Date().toISOString(),
    dataDir: dir,
    log,
    bus: new EventBus({ log }),
    actions: new ActionTable(),
    db,
    outbox,
    logs,
    waitForLog(match, ms = 30_000) {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { match, resolve: (l: Record<string, unknown>) => (clearTimeout(timer), resolve(l)) };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(
            new Error(
              `no matching log line within ${ms} ms; last lines:\n${logs
                .slice(-10)
                .map((l) => JSON.stringify(l))
                .join('\n')}`,
            ),
          );
        }, ms);
        waiters.add(w);
      });
    },
    dispose() {
      db.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  registerCoreActions(ctx);
  return ctx;
}

/** Polls `cond` until true or throws after `ms` with `what` in the message. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 30_000, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
