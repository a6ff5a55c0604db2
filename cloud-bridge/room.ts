import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayContext } from '../gateway/core/context.js';
import type { Room } from '../gateway/core/room.js';
import { componentLogger } from '../gateway/core/logger.js';
import type { MqttConnection } from './mqtt-client.js';
import { topicsFor } from './topics.js';
import { BrokerLink } from './link.js';
import { OutboxRelay } from './relay.js';
import { serveRequests } from './request-server.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { brokerOptions, defaultClientId } from './connect-options.js';
import type { Status } from './payloads.js';
import { EMBEDDED_BROKER_FILE } from './embedded-broker-file.js';
import { DeviceAvailability } from './availability.js';
import { registerReplayAction } from './replay.js';
import './events.js';

/**
 * The cloud bridge: status (retained, last will `offline`), device availability (retained), the
 * outbox relay on events/<kind>, and request/<action> → response/<action> through the ActionTable. Starting it never waits for
 * the broker: the gateway works offline and the outbox catches up when the link comes back.
 */
export function createCloudBridgeRoom(ctx: GatewayContext): Room {
  const log = componentLogger(ctx.log, 'cloud-bridge');
  const cloud = ctx.loaded.config.cloud;
  const topics = topicsFor(cloud.topicPrefix, ctx.nodeId);
  const embedded = cloud.url
    ? undefined
    : new EmbeddedBroker({ log: componentLogger(ctx.log, 'embedded-broker'), port: cloud.embeddedPort });
  const status = (state: Status['state']): string =>
    JSON.stringify({
      state,
      nodeId: ctx.nodeId,
      version: ctx.version,
      startedAt: ctx.startedAt,
      ts: new Date().toISOString(),
    } satisfies Status);

  const relay = new OutboxRelay({
    outbox: ctx.outbox,
    nodeId: ctx.nodeId,
    topics,
    log,
    inflight: cloud.inflight,
    onRefused: (reason) => link?.drop(reason),
  });
  const availability = new DeviceAvailability({ bus: ctx.bus, topics, nodeId: ctx.nodeId, log });
  let link: BrokerLink | undefined;
  registerReplayAction({ actions: ctx.actions, outbox: ctx.outbox, topics, nodeId: ctx.nodeId, connection: () => link?.connection });
  let url = cloud.url ?? '';

  return {
    name: 'cloud-bridge',
    async start() {
      let embeddedPort: number | undefined;
      if (embedded) {
        embeddedPort = await embedded.start();
        mkdirSync(ctx.dataDir, { recursive: true });
        writeFileSync(join(ctx.dataDir, EMBEDDED_BROKER_FILE), JSON.stringify({ port: embeddedPort, pid: process.pid }));
        log.info({ port: embeddedPort }, 'no cloud.url: embedded broker listening on 127.0.0.1');
      }
      const where =
        embeddedPort === undefined ? { clientId: defaultClientId(ctx.loaded) } : { clientId: defaultClientId(ctx.loaded), embeddedPort };
      // Read once now so a missing password or certificate file stops the start with a clear
      // error, then again at every attempt: a fixed password file or renewed certificate is
      // picked up without a restart.
      const first = brokerOptions(ctx.loaded, where);
      url = first.url;
      link = new BrokerLink({
        log,
        reconnectMinMs: cloud.reconnectMinMs,
        reconnectMaxMs: cloud.reconnectMaxMs,
        options: () => ({
          ...brokerOptions(ctx.loaded, where),
          will: { topic: topics.status, payload: status('offline'), retain: true, qos: 1 },
        }),
        onUp: async (conn: MqttConnection) => {
          await serveRequests(conn, { actions: ctx.actions, topics, maxRequestBytes: cloud.maxRequestBytes, log });
          await conn.publish(topics.status, status('online'), { qos: 1, retain: true });
          await availability.attach(conn);
          relay.attach(conn);
          ctx.bus.emit('cloud.link', { up: true, url });
        },
        onDown: () => {
          availability.detach();
          relay.detach();
          ctx.bus.emit('cloud.link', { up: false, url });
        },
      });
      availability.start();
      relay.start();
      link.start();
    },
    async stop() {
      await relay.stop();
      await link?.stop(async (conn) => {
        await conn.publish(topics.status, status('offline'), { qos: 1, retain: true });
      });
      availability.stop();
      if (embedded) {
        await embedded.stop();
        rmSync(join(ctx.dataDir, EMBEDDED_BROKER_FILE), { force: true });
      }
    },
  };
}
