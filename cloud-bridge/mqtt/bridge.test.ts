import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionError } from '../../gateway/core/actions.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { testContext, until, type TestContext, startRoom } from '../../gateway/testing/context.js';
import { TestSubscriber, checkDelivery } from '../testing/subscriber.js';
import { schemaValidator } from '../testing/validate.js';
import { CloudBridgeRoom } from './room.js';
import type { Response, Status } from './payloads.js';

// The bridge in-process against a real mosquitto: status, events, requests and every refusal.
describe('cloud bridge against mosquitto', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  let sub: TestSubscriber;
  const validate = schemaValidator();
  const base = 'city/test-node';
  let openCalls = 0;

  beforeAll(async () => {
    broker = await startMosquitto();
    ctx = testContext(
      `cloud:\n  url: ${broker.url}\n  topicPrefix: city\n  maxRequestBytes: 1024\n  reconnectMinMs: 100\n  reconnectMaxMs: 1000\n`,
    );
    ctx.actions.register('gate/open', {
      description: 'test action',
      role: 'operator',
      input: z.strictObject({ gateId: z.string(), seconds: z.number().int().min(1).max(60).default(5) }),
      handle: (input) => {
        if (input.gateId === 'broken') throw new ActionError('gate broken does not answer', 'failed');
        openCalls++;
        return { opened: input.gateId, seconds: input.seconds };
      },
    });
    sub = await TestSubscriber.connect({ url: broker.url }, [`${base}/#`]);
    // A command left retained on the broker, delivered to the bridge when it subscribes.
    await sub.publish(`${base}/request/gate/open`, JSON.stringify({ transaction: 'r-1', input: { gateId: 'ghost' } }), {
      qos: 1,
      retain: true,
    });
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
  });

  afterAll(async () => {
    await stopRoom?.();
    await sub?.close();
    ctx?.dispose();
    await broker?.dispose();
  });

  const responses = () =>
    sub.messages
      .filter((m) => m.topic.startsWith(`${base}/response/`))
      .map((m) => ({ topic: m.topic, body: JSON.parse(m.payload.toString()) as Response }));

  /** ts (with its zone) and a nonce: every change needs them (issue 18). */
  let nonces = 0;
  const stamp = () => ({ ts: new Date().toISOString(), nonce: `bridge-test-${++nonces}` });

  async function request(action: string, payload: string | Buffer, transaction: string | null): Promise<Response> {
    const before = responses().length;
    await sub.publish(`${base}/request/${action}`, payload);
    let found: Response | undefined;
    await until(() => {
      found = responses()
        .slice(before)
        .find((r) => r.topic === `${base}/response/${action}` && r.body.transaction === transaction)?.body;
      return found !== undefined;
    }, `response to ${action} (${transaction})`);
    validate('response.json', found);
    return found as Response;
  }

  it('publishes a retained online status that matches its schema', async () => {
    await until(() => sub.json('/status').length > 0, 'status');
    const status = sub.json('/status')[0] as Status;
    validate('status.json', status);
    expect(status).toMatchObject({ state: 'online', nodeId: 'test-node', version: '0.0.0-test', startedAt: ctx.startedAt });
    // Retained: a late subscriber sees it too.
    const late = await TestSubscriber.connect({ url: broker.url }, [`${base}/status`]);
    await until(() => late.messages.length > 0, 'retained status');
    expect(late.messages[0]?.retain).toBe(true);
    await late.close();
  });

  it('publishes outbox events in seq order, valid against the schemas, and marks them sent', async () => {
    for (let i = 0; i < 50; i++) {
      ctx.db.transaction(() =>
        ctx.outbox.append(
          i % 10 === 0 ? 'outbox.compacted' : 'camera.online',
          i % 10 === 0 ? { dropped: 1, byKind: { 'camera.motion': 1 }, quotaBytes: 1024, totalCompacted: i + 1 } : { cameraId: `cam-${i}` },
        ),
      );
    }
    await until(() => sub.envelopes().length >= 50, '50 events');
    const envs = sub.envelopes();
    const check = checkDelivery(envs);
    expect(check.outOfOrder).toEqual([]);
    expect(check.seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    for (const e of envs) {
      validate('envelope.json', e);
      if (e.kind === 'outbox.compacted') validate('events/outbox.compacted.json', e.data);
    }
    const m = sub.messages.find((x) => x.topic.endsWith('/events/camera.online'));
    expect(m).toBeDefined();
    expect(envs[1]).toMatchObject({ nodeId: 'test-node', kind: 'camera.online', v: 2, data: { cameraId: 'cam-1' } });
    await until(() => ctx.outbox.stats().unsent === 0, 'rows marked sent');
  });

  it('answers ping and config/get, echoing the transaction', async () => {
    const ping = await request('ping', JSON.stringify({ transaction: 't-1' }), 't-1');
    expect(ping).toMatchObject({ status: 'ok', transaction: 't-1', data: { nodeId: 'test-node' } });
    const cfg = await request('config/get', JSON.stringify({ transaction: 't-2', input: {} }), 't-2');
    expect(cfg.status).toBe('ok');
    expect(JSON.stringify(cfg)).toContain('"topicPrefix":"city"');
  });

  it('runs an action with validated input', async () => {
    const r = await request('gate/open', JSON.stringify({ transaction: 'g-1', input: { gateId: 'north' }, ...stamp() }), 'g-1');
    expect(r).toEqual({ transaction: 'g-1', status: 'ok', data: { opened: 'north', seconds: 5 } });
    expect(openCalls).toBe(1);
  });

  it('refuses bad requests with a readable error and runs nothing', async () => {
    const unknown = await request('gate/explode', JSON.stringify({ transaction: 'e-1' }), 'e-1');
    expect(unknown).toMatchObject({ status: 'error', code: 'unknown_action' });
    expect(unknown.status === 'error' && unknown.error).toContain('gate/open');

    const notJson = await request('gate/open', 'open the gate please', null);
    expect(notJson).toMatchObject({ status: 'error', code: 'bad_request', transaction: null });
    expect(notJson.status === 'error' && notJson.error).toMatch(/not JSON/);

    const wrongType = await request(
      'gate/open',
      JSON.stringify({ transaction: 'e-3', input: { gateId: 7, seconds: 'ten' }, ...stamp() }),
      'e-3',
    );
    expect(wrongType).toMatchObject({ status: 'error', code: 'invalid_input' });
    expect(wrongType.status === 'error' && wrongType.error).toMatch(/input\.gateId: got 7, expected string/);
    expect(wrongType.status === 'error' && wrongType.error).toMatch(/input\.seconds/);

    const extraKey = await request(
      'gate/open',
      JSON.stringify({ transaction: 'e-4', input: { gateId: 'n', force: true }, ...stamp() }),
      'e-4',
    );
    expect(extraKey.status === 'error' && extraKey.error).toMatch(/input\.force: unknown key/);

    const big = await request('gate/open', JSON.stringify({ transaction: 'e-5', input: { gateId: 'x'.repeat(2000) } }), null);
    expect(big).toMatchObject({ status: 'error', code: 'too_large' });
    expect(big.status === 'error' && big.error).toMatch(/larger than the 1024 bytes allowed \(cloud\.maxRequestBytes\)/);

    const noTx = await request('gate/open', JSON.stringify({ input: { gateId: 'n' } }), null);
    expect(noTx).toMatchObject({ status: 'error', code: 'bad_request' });
    expect(noTx.status === 'error' && noTx.error).toMatch(/transaction/);

    const refused = await request('gate/open', JSON.stringify({ transaction: 'e-7', input: { gateId: 'broken' }, ...stamp() }), 'e-7');
    expect(refused).toEqual({ transaction: 'e-7', status: 'error', code: 'failed', error: 'gate broken does not answer' });

    expect(openCalls).toBe(1);
  });

  it('ignores retained requests', async () => {
    await ctx.waitForLog((l) => l.msg === 'retained request ignored (a command must not replay at every reconnect)');
    await sub.publish(`${base}/request/gate/open`, '', { qos: 1, retain: true }); // clear it
    expect(openCalls).toBe(1);
    expect(responses().some((r) => r.body.transaction === 'r-1')).toBe(false);
  });

  it('publishes a retained offline status on a clean stop', async () => {
    await stopRoom?.();
    await until(() => sub.json('/status').some((s) => (s as Status).state === 'offline'), 'offline status');
    const offline = sub.json('/status').at(-1) as Status;
    validate('status.json', offline);
    expect(offline.state).toBe('offline');
  });
});
