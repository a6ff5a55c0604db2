import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startRoom, testContext, type TestContext } from '../../gateway/testing/context.js';
import { CloudBridgeRoom } from '../mqtt/room.js';
import { readBrokerCredentials } from '../mqtt/broker-credentials.js';
import { EMBEDDED_BROKER_FILE } from '../mqtt/broker-credentials.js';
import { MqttConnection } from '../mqtt/mqtt-client.js';
import type { Response } from '../mqtt/payloads.js';

export interface RequestNode {
  ctx: TestContext;
  /** Publishes a request as the platform and waits for its answer (by transaction). */
  send: (topic: string, body: object) => Promise<Response>;
  stop: () => Promise<void>;
}

/**
 * A node `gw-r` on the data folder `dir`: the MQTT room with its embedded broker, a probe action
 * `vehicles/add` (an operator change: needs ts + nonce) that pushes each plate to `added`, and
 * the platform connected with its own credentials. Each call is one "boot" of the gateway.
 */
export async function bootRequestNode(dir: string, added: string[]): Promise<RequestNode> {
  const ctx = testContext(`node:\n  id: gw-r\ncloud:\n  embeddedPort: 0\n`, { dir });
  ctx.actions.register('vehicles/add', {
    role: 'operator',
    description: 'probe',
    input: z.strictObject({ plate: z.string() }),
    handle: ({ plate }) => void added.push(plate),
  });
  const stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
  await ctx.waitForLog((l) => l.msg === 'connected to the broker');
  const { port } = JSON.parse(readFileSync(join(dir, EMBEDDED_BROKER_FILE), 'utf8')) as { port: number };
  const { platform } = readBrokerCredentials(dir, 'gw-r');
  const conn = await MqttConnection.open({
    url: `mqtt://127.0.0.1:${port}`,
    clientId: `p-${Date.now()}`,
    protocolVersion: 4,
    ...platform,
  });
  const answers: Response[] = [];
  conn.onMessage((m) => answers.push(JSON.parse(m.payload.toString()) as Response));
  await conn.subscribe(['sharpeyes/gw-r/from/platform/response/#', 'sharpeyes/gw-r/response/#'], 1);
  const send = async (topic: string, body: object): Promise<Response> => {
    const tx = (body as { transaction: string }).transaction;
    await conn.publish(topic, JSON.stringify(body), { qos: 1 });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const a = answers.find((r) => r.transaction === tx);
      if (a) {
        answers.splice(answers.indexOf(a), 1);
        return a;
      }
      if (Date.now() > deadline) throw new Error(`no answer to ${topic}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    ctx,
    send,
    stop: async () => {
      await conn.close();
      await stopRoom();
      ctx.dispose();
    },
  };
}
