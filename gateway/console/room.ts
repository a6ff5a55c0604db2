import type { GatewayContext } from '../core/context.js';
import type { Room } from '../core/room.js';
import { componentLogger, type Logger } from '../core/logger.js';
import { readSecretFile } from '../config/load.js';
import { ConsoleServer } from './server.js';
import { isLoopback } from './http-util.js';

/** The local web console: status, live events and the same actions the platform has. */
export class ConsoleRoom implements Room {
  readonly name = 'console';
  private readonly log: Logger;
  private server: ConsoleServer | undefined;

  constructor(private readonly ctx: GatewayContext) {
    this.log = componentLogger(ctx.log, 'console');
  }

  url(): string | undefined {
    return this.server?.url;
  }

  summary(): string[] {
    return this.server ? [`console:  ${this.server.url}`] : [];
  }

  async start(): Promise<void> {
    const { ctx } = this;
    const cfg = ctx.loaded.config.console;
    if (!cfg.enabled) return;
    const token = cfg.tokenFile ? readSecretFile(ctx.loaded, cfg.tokenFile, 'console.tokenFile') : undefined;
    if (!isLoopback(cfg.host) && !token)
      throw new Error(`console.host is ${cfg.host}, not loopback: set console.tokenFile so the console is not open to the network`);
    this.server = new ConsoleServer({
      log: this.log,
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
    await this.server.start();
    this.log.info({ url: this.server.url }, 'console listening');
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }
}
