import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { MqttConnection, type IncomingMessage } from './mqtt-client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MqttConnection against mosquitto', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto({ logTypes: ['error'] });
  });
  afterAll(async () => {
    await broker?.dispose();
  });

  it('a kept session gets everything the broker queued while it was away, even with its listener attached late', async () => {
    const session = { url: broker.url, clientId: 'platform-consumer-1', clean: false, sessionExpiryS: 600 } as const;
    const first = await MqttConnection.open(session);
    await first.subscribe(['city/+/events/#'], 1);
    await first.close();

    const publisher = await MqttConnection.open({ url: broker.url, clientId: 'gw-1' });
    for (let i = 0; i < 200; i++) await publisher.publish(`city/gw-1/events/n`, String(i), { qos: 1 });
    await publisher.close();

    // The broker sends its queue right after CONNACK, before this await resumes; the caller then
    // does other work before it listens.
    const again = await MqttConnection.open(session);
    await sleep(300);
    const got: IncomingMessage[] = [];
    again.onMessage((m) => got.push(m));
    await sleep(300);
    await again.close();
    expect(got.map((m) => Number(m.payload.toString()))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
