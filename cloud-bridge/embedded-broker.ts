import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../gateway/core/logger.js';

/**
 * The broker started when no `cloud.url` is configured, so `sharpeyes start` works out of the box
 * and `sharpeyes events --follow` can watch the stream. aedes speaks MQTT 3.1.1 only (clients
 * must connect with protocolVersion 4) and keeps retained messages in memory; it listens on
 * 127.0.0.1 only.
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly ctx: { log: Logger; port: number }) {}

  async start(): Promise<number> {
    const broker = await Aedes.createBroker();
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.ctx.port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      broker.close();
      const hint =
        err.code === 'EADDRINUSE' ? ` (another broker or gateway already listens there; set cloud.embeddedPort or cloud.url)` : '';
      throw new Error(`embedded broker cannot listen on 127.0.0.1:${this.ctx.port}: ${err.message}${hint}`, { cause: err });
    });
    server.on('error', (err) => this.ctx.log.error({ err: err.message }, 'embedded broker server error'));
    broker.on('clientError', (client, err) => this.ctx.log.debug({ client: client.id, err: err.message }, 'embedded broker client error'));
    this.broker = broker;
    this.server = server;
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : this.ctx.port;
    return this.port;
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
