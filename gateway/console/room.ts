import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger } from '../core/logger.js';
import { readSecretFile } from '../config/load.js';
import { ConsoleServer } from './server.js';
import { isLoopback } from './http-util.js';

/** The local web console: status, live events and the same actions the platform has. */
export function createConsoleRoom(ctx: GatewayContext): Room & { url(): string | undefined } {
  const cfg = ctx.loaded.config.console;
  const log = componentLogger(ctx.log, 'console');
  let server: ConsoleServer | undefined;
  return {
    name: 'console',
    url: () => server?.url,
    summary: () => (server ? [`console:  ${server.url}`] : []),
    async start() {
      if (!cfg.enabled) return;
      const token = cfg.tokenFile ? readSecretFile(ctx.loaded, cfg.tokenFile, 'console.tokenFile') : undefined;
      if (!isLoopback(cfg.host) && !token)
        throw new Error(`console.host is ${cfg.host}, not loopback: set console.tokenFile so the console is not open to the network`);
      server = new ConsoleServer({
        log,
        actions: ctx.actions,
        outbox: ctx.outbox,
        nodeId: ctx.nodeId,
        version: ctx.version,
        startedAt: ctx.startedAt,
        host: cfg.host,
        port: cfg.port,
        token,
        maxBodyBytes: ctx.loaded.config.cloud.maxRequestBytes,
      });
      await server.start();
      log.info({ url: server.url }, 'console listening');
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}
