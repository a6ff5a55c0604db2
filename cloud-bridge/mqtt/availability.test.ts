import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoom, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { TestSubscriber } from '../testing/subscriber.js';
import { schemaValidator } from '../testing/validate.js';
import { CloudBridgeRoom } from './room.js';
import type { Availability, Status } from './payloads.js';

// Retained per-device availability and status against a real mosquitto, across broker restarts.
describe('device availability (retained)', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  const validate = schemaValidator();
  const base = 'city/test-node';

  beforeAll(async () => {
    broker = await startMosquitto();
    ctx = testContext(`cloud:\n  url: ${broker.url}\n  topicPrefix: city\n  reconnectMinMs: 100\n  reconnectMaxMs: 1000\n`);
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
    await ctx.waitForLog((l) => l.msg === 'connected to the broker');
  });

  afterAll(async () => {
    await stopRoom?.();
    ctx?.dispose();
    await broker?.dispose();
  });

  /** What a platform subscribing now sees: the retained availability of every device, and the status. */
  async function lateView(): Promise<{ devices: Record<string, Availability>; status: Status | undefined }> {
    const sub = await TestSubscriber.connect({ url: broker.url }, [`${base}/devices/+/availability`, `${base}/status`]);
    await new Promise((r) => setTimeout(r, 300));
    await sub.close();
    const devices: Record<string, Availability> = {};
    let status: Status | undefined;
    for (const m of sub.messages) {
      expect(m.retain).toBe(true);
      if (m.payload.length === 0) continue;
      const body = JSON.parse(m.payload.toString()) as unknown;
      if (m.topic.endsWith('/status')) {
        validate('status.json', body);
        status = body as Status;
      } else {
        validate('availability.json', body);
        devices[(body as Availability).deviceId] = body as Availability;
        expect(m.topic).toBe(`${base}/devices/${(body as Availability).deviceId}/availability`);
      }
    }
    return { devices, status };
  }

  it('publishes each change retained, valid against availability.json', async () => {
    ctx.events.publish('device.online', { deviceId: 'gate-1', model: 'barrier-bg300-framed', kind: 'barrier', simulated: true });
    ctx.events.publish('device.online', { deviceId: 'alarm-1', model: 'alarm-post-sos200', kind: 'alarm_post', simulated: true });
    ctx.events.publish('device.offline', { deviceId: 'alarm-1', model: 'alarm-post-sos200', reason: 'no answer to heartbeat' });
    await until(async () => Object.keys((await lateView()).devices).length === 2, 'two devices retained');
    const view = await lateView();
    expect(view.devices['gate-1']).toMatchObject({ state: 'online', nodeId: 'test-node', model: 'barrier-bg300-framed' });
    expect(view.devices['alarm-1']).toMatchObject({ state: 'offline', reason: 'no answer to heartbeat' });
    expect(view.status?.state).toBe('online');
  });

  it('after a broker crash that lost the retained store, republishes status and every availability, with changes made while down', async () => {
    // The broker loses its retained messages (kill -9 before any autosave of them is the same).
    const wiper = await TestSubscriber.connect({ url: broker.url }, [`${base}/none`]);
    for (const t of [`${base}/devices/gate-1/availability`, `${base}/devices/alarm-1/availability`])
      await wiper.publish(t, '', { qos: 1, retain: true });
    await wiper.close();
    expect(Object.keys((await lateView()).devices)).toEqual([]);

    const connects = ctx.logs.filter((l) => l.msg === 'connected to the broker').length;
    await broker.kill();
    await ctx.waitForLog((l) => l.msg === 'lost the broker connection');
    ctx.events.publish('device.offline', { deviceId: 'gate-1', model: 'barrier-bg300-framed', reason: 'disconnected' });
    await broker.start();
    await until(() => ctx.logs.filter((l) => l.msg === 'connected to the broker').length > connects, 'reconnected', 20_000);
    await until(async () => Object.keys((await lateView()).devices).length === 2, 'republished', 10_000);
    const view = await lateView();
    expect(view.devices['gate-1']).toMatchObject({ state: 'offline', reason: 'disconnected' });
    expect(view.devices['alarm-1']).toMatchObject({ state: 'offline' });
    // The last will may have said offline while we were away; the reconnect says online again.
    expect(view.status?.state).toBe('online');
  });
});
