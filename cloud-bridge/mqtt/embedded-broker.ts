import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Aedes, type AuthenticateError } from 'aedes';
import type { Logger } from '../../gateway/core/logger.js';
import { parseAcl, type AclRules } from './broker-acl.js';
import type { BrokerCredentials } from './broker-credentials.js';
import { clientIdRefusal } from './client-ids.js';

/** The ACL template shipped for external brokers; the embedded broker enforces the same file. */
export const ACL_TEMPLATE = join(import.meta.dirname, 'city', 'acl.mosquitto');

/** The template's rules with its `sharpeyes` prefix replaced by the configured one. */
export function embeddedAcl(topicPrefix: string): AclRules {
  const prefix = topicPrefix.replace(/\/+$/, '');
  return parseAcl(readFileSync(ACL_TEMPLATE, 'utf8'), (t) => t.replace(/^(\$share\/[^/]+\/)?sharpeyes\//, `$1${prefix}/`));
}

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest();

/**
 * The broker started when no `cloud.url` is configured, so `sharpeyes start` works out of the box
 * and `sharpeyes events --follow` can watch the stream. aedes speaks MQTT 3.1.1 only (clients
 * must connect with protocolVersion 4) and keeps retained messages in memory; it listens on
 * 127.0.0.1 only.
 *
 * Only the two identities of <dataDir>/broker-credentials.json may connect (anonymous clients
 * are refused), and they may publish and read only as cloud-bridge/mqtt/city/acl.mosquitto
 * allows: the gateway writes status, events and responses, the platform (and the CLI) writes
 * requests. Client ids are bound to accounts (client-ids.ts): the gateway's id (`gatewayClientId`)
 * is the gateway account's alone, and no account takes an id another holds or keeps a session
 * under. Every refusal is logged at warn with the client and topic.
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  port = 0;

  constructor(
    private readonly ctx: { log: Logger; port: number; credentials: BrokerCredentials; acl: AclRules; gatewayClientId: string },
  ) {}

  async start(): Promise<number> {
    const { log, credentials, acl } = this.ctx;
    const users = new Map([credentials.gateway, credentials.platform].map((i) => [i.username, digest(i.password)]));
    const names = new WeakMap<object, string>();
    const who = (client: { id: string } | null) => ({ username: client ? names.get(client) : undefined, clientId: client?.id ?? '' });
    // Client id → account whose session the broker keeps (a client that connected with clean: false).
    const sessions = new Map<string, string>();
    const reservedFor = new Map([[this.ctx.gatewayClientId, credentials.gateway.username]]);
    const holderOf = (client: object, id: string): string | undefined => {
      // aedes keeps its connected clients by id on the broker (not in its typings).
      const connected = (client as { broker?: { clients?: Record<string, object> } }).broker?.clients?.[id];
      return (connected && names.get(connected)) ?? sessions.get(id);
    };
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const want = username === undefined ? undefined : users.get(username);
        if (want && password && timingSafeEqual(want, digest(password))) {
          const refusal = clientIdRefusal({
            clientId: client.id,
            username: username as string,
            reservedFor: reservedFor.get(client.id),
            holder: holderOf(client, client.id),
          });
          if (refusal) {
            log.warn({ client: client.id, username }, `embedded broker refused a login: ${refusal}`);
            const err = new Error(refusal) as AuthenticateError;
            err.returnCode = 2; // identifier rejected
            done(err, false);
            return;
          }
          names.set(client, username as string);
          done(null, true);
          return;
        }
        log.warn({ client: client.id, username: username ?? null }, 'embedded broker refused a login (bad user name or password)');
        const err = new Error('bad user name or password') as AuthenticateError;
        err.returnCode = 4;
        done(err, false);
      },
      authorizePublish: (client, packet, done) => {
        // client null: the broker's own $SYS messages.
        if (client === null || acl.mayPublish(who(client), packet.topic)) return done(null);
        log.warn({ client: client.id, username: who(client).username, topic: packet.topic }, 'embedded broker refused a publish (ACL)');
        done(new Error(`not authorized to publish ${packet.topic}`));
      },
      // As mosquitto 2.0: any subscription is granted, each message is delivered only to a
      // client the ACL lets read its topic (retained messages included).
      authorizeForward: (client, packet) => (acl.mayRead(who(client), packet.topic) ? packet : null),
    });
    broker.on('clientReady', (client) => {
      const name = names.get(client);
      if (!name) return;
      if (client.clean) sessions.delete(client.id);
      else if (sessions.size < 10_000) sessions.set(client.id, name);
    });
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
