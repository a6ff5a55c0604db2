import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayContext } from '../../gateway/core/context.js';
import type { Room, Scope } from '../../gateway/core/room.js';
import type { ActionTable } from '../../gateway/core/actions.js';
import { componentLogger, type Logger } from '../../gateway/core/logger.js';
import type { MqttConnection } from './mqtt-client.js';
import { topicsFor, type Topics } from './topics.js';
import { BrokerLink } from './link.js';
import { OutboxRelay } from './relay.js';
import { serveRequests } from './request-server.js';
import { EmbeddedBroker, embeddedAcl } from './embedded-broker.js';
import { EMBEDDED_BROKER_FILE, ensureBrokerCredentials, type Identity } from './broker-credentials.js';
import { brokerOptions, defaultClientId } from './connect-options.js';
import type { Status } from './payloads.js';
import { redactText } from '../../gateway/core/redact.js';
import { DeviceAvailability } from './availability.js';
import { registerReplayAction } from './replay.js';
import { uplinkOff, type UplinkSource, type UplinkStatus } from '../../gateway/core/uplinks.js';

/**
 * The cloud bridge: status (retained, last will `offline`), device availability (retained), the
 * outbox relay on events/<kind>, and request/<action> → response/<action> through the
 * ActionTable. Starting it never waits for the broker: the gateway works offline and the outbox
 * catches up when the link comes back.
 */
export class CloudBridgeRoom implements Room, UplinkSource {
  readonly name = 'cloud-bridge';
  private readonly log: Logger;
  private readonly topics: Topics;
  private readonly relay: OutboxRelay;
  private readonly availability: DeviceAvailability;
  private embedded: EmbeddedBroker | undefined;
  private link: BrokerLink | undefined;
  private url = '';
  /** The MQTT link as uplinks/status reports it (the console may start after the first cloud.link). */
  private linkState: { state: 'off' | 'connecting' | 'up' | 'down'; since: string | null } = { state: 'off', since: null };

  constructor(private readonly ctx: GatewayContext) {
    const cloud = ctx.loaded.config.cloud;
    this.log = componentLogger(ctx.log, 'cloud-bridge');
    this.topics = topicsFor(cloud.topicPrefix, ctx.nodeId);
    this.relay = new OutboxRelay({
      outbox: ctx.outbox,
      nodeId: ctx.nodeId,
      topics: this.topics,
      log: this.log,
      inflight: cloud.inflight,
      onRefused: (reason) => this.link?.drop(reason),
    });
    this.availability = new DeviceAvailability({ topics: this.topics, nodeId: ctx.nodeId, log: this.log });
  }

  registerActions(actions: ActionTable): void {
    registerReplayAction({
      actions,
      outbox: this.ctx.outbox,
      topics: this.topics,
      nodeId: this.ctx.nodeId,
      connection: () => this.link?.connection,
    });
  }

  private status(state: Status['state']): string {
    const { ctx } = this;
    return JSON.stringify({
      state,
      nodeId: ctx.nodeId,
      version: ctx.version,
      startedAt: ctx.startedAt,
      ts: new Date().toISOString(),
    } satisfies Status);
  }

  async start(scope: Scope): Promise<void> {
    const { ctx, topics, relay, log, availability } = this;
    availability.follow(scope);
    const cloud = ctx.loaded.config.cloud;
    let embeddedPort: number | undefined;
    let identity: Identity | undefined;
    if (!cloud.url) {
      const brokerLog = componentLogger(ctx.log, 'embedded-broker');
      const credentials = ensureBrokerCredentials(ctx.dataDir, ctx.nodeId, (msg) => brokerLog.warn(msg));
      identity = credentials.gateway;
      this.embedded = new EmbeddedBroker({
        log: brokerLog,
        port: cloud.embeddedPort,
        credentials,
        acl: embeddedAcl(cloud.topicPrefix),
        gatewayClientId: defaultClientId(ctx.loaded),
      });
      embeddedPort = await this.embedded.start();
      mkdirSync(ctx.dataDir, { recursive: true });
      writeFileSync(join(ctx.dataDir, EMBEDDED_BROKER_FILE), JSON.stringify({ port: embeddedPort, pid: process.pid }));
      log.info({ port: embeddedPort }, 'no cloud.url: embedded broker listening on 127.0.0.1');
    }
    const where =
      embeddedPort === undefined
        ? { clientId: defaultClientId(ctx.loaded) }
        : { clientId: defaultClientId(ctx.loaded), embeddedPort, identity };
    // Read once now so a missing password or certificate file stops the start with a clear
    // error, then again at every attempt: a fixed password file or renewed certificate is
    // picked up without a restart.
    this.url = redactText(brokerOptions(ctx.loaded, where).url); // for the cloud.link event and logs
    this.link = new BrokerLink({
      log,
      reconnectMinMs: cloud.reconnectMinMs,
      reconnectMaxMs: cloud.reconnectMaxMs,
      options: () => ({
        ...brokerOptions(ctx.loaded, where),
        will: { topic: topics.status, payload: this.status('offline'), retain: true, qos: 1 },
      }),
      onUp: async (conn: MqttConnection) => {
        await serveRequests(conn, { actions: ctx.actions, topics, maxRequestBytes: cloud.maxRequestBytes, log, accounts: cloud.accounts });
        await conn.publish(topics.status, this.status('online'), { qos: 1, retain: true });
        await availability.attach(conn);
        relay.attach(conn);
        this.linkState = { state: 'up', since: new Date().toISOString() };
        ctx.bus.emit('cloud.link', { up: true, url: this.url });
      },
      onDown: () => {
        availability.detach();
        relay.detach();
        this.linkState = { state: 'down', since: new Date().toISOString() };
        ctx.bus.emit('cloud.link', { up: false, url: this.url });
      },
    });
    relay.start();
    this.linkState = { state: 'connecting', since: new Date().toISOString() };
    this.link.start();
  }

  /** The embedded broker or the city's broker (whichever runs; the other is off), with the outbox backlog. */
  uplinkStatus(): UplinkStatus[] {
    const embedded = !this.ctx.loaded.config.cloud.url;
    const running: UplinkStatus = {
      kind: embedded ? 'embedded_broker' : 'city_mqtt',
      ...this.linkState,
      target: this.url || null,
      detail: null,
      backlog: this.ctx.outbox.stats().unsent,
      delivery: { by: 'sent_flag' },
    };
    return [running, uplinkOff(embedded ? 'city_mqtt' : 'embedded_broker')];
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.link?.stop(async (conn) => {
      await conn.publish(this.topics.status, this.status('offline'), { qos: 1, retain: true });
    });
    if (this.embedded) {
      await this.embedded.stop();
      rmSync(join(this.ctx.dataDir, EMBEDDED_BROKER_FILE), { force: true });
    }
  }
}
