import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig } from '../config/load.js';
import { createContext, type GatewayContext } from '../core/context.js';
import { createLogger } from '../core/logger.js';
import { registerCoreActions } from '../core/core-actions.js';
import { Scope, type Room } from '../core/room.js';
import type { ActionContext } from '../core/actions.js';

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
  const base = createContext(loaded, log, { dataDir: dir, version: '0.0.0-test' });
  const ctx: TestContext = {
    ...base,
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
      base.events.stop();
      base.db.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  registerCoreActions(ctx);
  return ctx;
}

/** Polls `cond` until true or throws after `ms` with `what` in the message. */
export async function until(cond: () => boolean | Promise<boolean>, what: string | (() => string), ms = 30_000, every = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    // A function describes the state at the timeout: what arrived, what the peers last said.
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * Starts one room as the controller would (its actions registered, a scope of its own) and
 * returns the function that stops it and closes its scope.
 */
export async function startRoom(ctx: GatewayContext, room: Room, opts: { registerActions?: boolean } = {}): Promise<() => Promise<void>> {
  if (opts.registerActions !== false) room.registerActions?.(ctx.actions);
  const scope = new Scope(ctx.bus, ctx.log);
  await room.start(scope);
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await room.stop?.();
    await scope.close();
  };
}

/** A local administrator running actions in tests (the CLI's actor). */
export const TEST_ACTOR: ActionContext = { actor: { channel: 'cli', name: 'test', role: 'admin' }, transaction: 't' };

/** Runs an action the way every channel does (role, input, audit), as a local administrator. */
export function act(ctx: GatewayContext, name: string, input: unknown): Promise<unknown> {
  return ctx.actions.run(name, input, TEST_ACTOR);
}
