import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRoom, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import { PLATFORM_QUEUE_CONFIG, startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { TestSubscriber } from '../testing/subscriber.js';
import { MqttConnection, PublishRefusedError } from './mqtt-client.js';
import { CloudBridgeRoom } from './room.js';
import type { Response } from './payloads.js';

// The reference city deployment of the README, with the templates in cloud-bridge/mqtt/city/: a district
// mosquitto (per-node users, ACL from the template) bridged to a core broker where the platform
// consumes on a shared subscription.
const CITY = join(import.meta.dirname, 'city');

describe('city deployment: district broker with the ACL template, bridged to the core', () => {
  let core: Mosquitto;
  let district: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  let consumer: TestSubscriber;
  let retained: TestSubscriber;

  beforeAll(async () => {
    const template = readFileSync(join(CITY, 'acl.mosquitto'), 'utf8');
    const platformRules = template.split('# Platform consumers')[1] ?? '';
    // Requests in an account's own name are checked where the account connects: the core.
    const accountRules = template
      .split('\n')
      .filter((l) => l.includes('/from/%u/'))
      .join('\n');
    core = await startMosquitto({
      // As the README asks of the broker platform consumers subscribe through.
      extraConfig: PLATFORM_QUEUE_CONFIG,
      users: { platform: 'platform-pw', 'district-7': 'district-pw' },
      acl: `${accountRules}\nuser district-7\ntopic readwrite sharpeyes/#\n# Platform consumers${platformRules}`,
    });
    const bridge = readFileSync(join(CITY, 'district-bridge.conf'), 'utf8')
      .replace('CORE_HOST:CORE_PORT', `127.0.0.1:${core.port}`)
      .replaceAll('DISTRICT_ID', 'district-7')
      .replace('DISTRICT_PASSWORD', 'district-pw');
    district = await startMosquitto({
      users: { 'gw-1': 'gw-1-pw', 'gw-2': 'gw-2-pw' },
      acl: readFileSync(join(CITY, 'acl.mosquitto'), 'utf8').split('# Platform consumers')[0],
      extraConfig: `${readFileSync(join(CITY, 'listener.conf'), 'utf8')}\n${bridge}`,
    });
    // Two platform instances would share this; one is enough to see the share deliver.
    consumer = await TestSubscriber.connect(
      { url: core.url, username: 'platform', password: 'platform-pw' },
      ['$share/platform/sharpeyes/+/events/#'],
      true,
    );
    retained = await TestSubscriber.connect({ url: core.url, username: 'platform', password: 'platform-pw' }, [
      'sharpeyes/+/status',
      'sharpeyes/+/response/#',
      'sharpeyes/+/from/platform/response/#',
    ]);
    ctx = testContext(
      `node:\n  id: gw-1\ncloud:\n  url: ${district.url}\n  username: gw-1\n  passwordFile: mqtt.pw\n  reconnectMinMs: 100\n`,
    );
    writeFileSync(join(ctx.dataDir, 'mqtt.pw'), 'gw-1-pw\n', { mode: 0o600 });
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
  });

  afterAll(async () => {
    await stopRoom?.();
    await consumer?.close();
    await retained?.close();
    ctx?.dispose();
    await district?.dispose();
    await core?.dispose();
  });

  it('carries status and events up to the platform consumer, and a request down and its response up', async () => {
    await until(() => retained.json('/status').length > 0, 'status at the core', 30_000);
    ctx.outbox.append('camera.online', { cameraId: 'lane-1', since: new Date().toISOString(), offlineForS: null });
    await until(() => consumer.envelopes().length > 0, 'event at the core', 30_000);
    expect(consumer.envelopes()[0]).toMatchObject({ nodeId: 'gw-1', kind: 'camera.online', seq: 1 });
    await retained.publish('sharpeyes/gw-1/request/ping', JSON.stringify({ transaction: 'city-1' }));
    await until(() => retained.json('/response/ping').length > 0, 'response at the core', 30_000);
    expect(retained.json('/response/ping')[0]).toMatchObject({ transaction: 'city-1', status: 'ok' } satisfies Partial<Response>);
    // In the platform's own name (from/platform/): down through the bridge, the answer back up.
    await retained.publish('sharpeyes/gw-1/from/platform/request/ping', JSON.stringify({ transaction: 'city-2' }));
    await until(() => retained.json('/from/platform/response/ping').length > 0, 'from/platform response at the core', 30_000);
    expect(retained.json('/from/platform/response/ping')[0]).toMatchObject({ transaction: 'city-2', status: 'ok' });
  });

  it("keeps node gw-1 connected when node gw-2 connects with gw-1's client id (listener.conf)", async () => {
    const rogue = await MqttConnection.open({ url: district.url, clientId: 'sharpeyes-gw-1', username: 'gw-2', password: 'gw-2-pw' });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      expect(ctx.logs.filter((l) => l.msg === 'lost the broker connection')).toEqual([]);
    } finally {
      await rogue.close();
    }
  });

  it("refuses a node writing another node's topics (MQTT 5: not authorised)", async () => {
    const rogue = await MqttConnection.open({ url: district.url, clientId: 'sharpeyes-gw-2', username: 'gw-2', password: 'gw-2-pw' });
    try {
      await rogue.publish('sharpeyes/gw-2/events/camera.online', '{}', { qos: 1 });
      await expect(rogue.publish('sharpeyes/gw-1/events/alarm.raised', '{}', { qos: 1 })).rejects.toBeInstanceOf(PublishRefusedError);
      await expect(rogue.publish('sharpeyes/gw-1/request/gate/open', '{}', { qos: 1 })).rejects.toBeInstanceOf(PublishRefusedError);
    } finally {
      await rogue.close();
    }
  });

  it('queues in the district while the core is down, more than mosquitto keeps by default, then delivers them all', async () => {
    const ours = () =>
      new Set(
        consumer
          .envelopes()
          .filter((e) => e.nodeId === 'gw-1')
          .map((e) => e.seq),
      );
    const before = ours().size;
    await core.stop();
    // mosquitto's default queue per client is 1,000 messages: past it, the district would drop
    // events it had acknowledged to the gateway.
    const N = 1500;
    for (let i = 0; i < N; i++)
      ctx.db.transaction(() =>
        ctx.outbox.append('camera.online', { cameraId: `lane-${i}`, since: new Date().toISOString(), offlineForS: 1 }),
      );
    await until(() => ctx.outbox.stats().unsent === 0, 'accepted by the district broker', 60_000);
    await core.start();
    await consumer.reconnectWithin(20_000);
    await until(
      () => ours().size >= before + N,
      () => `the ${N} events at the core (${ours().size - before} arrived)`,
      90_000,
    );
    expect([...ours()].sort((a, b) => a - b)).toEqual(Array.from({ length: before + N }, (_, i) => i + 1));
  });
});
