import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoom, testContext, until, type TestContext } from '../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from './test-support/mosquitto.js';
import { TestSubscriber } from './test-support/subscriber.js';
import { schemaValidator } from './test-support/validate.js';
import { CloudBridgeRoom } from './room.js';
import type { Envelope, Response } from './payloads.js';

// A platform that found a seq gap asks for it again (request/events/replay), against mosquitto.
describe('events/replay', () => {
  let broker: Mosquitto;
  let ctx: TestContext;
  let stopRoom: (() => Promise<void>) | undefined;
  let sub: TestSubscriber;
  const validate = schemaValidator();
  const base = 'sharpeyes/test-node';

  beforeAll(async () => {
    broker = await startMosquitto();
    ctx = testContext(`cloud:\n  url: ${broker.url}\n  reconnectMinMs: 100\n`);
    sub = await TestSubscriber.connect({ url: broker.url }, [`${base}/events/#`, `${base}/response/#`]);
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
  });

  afterAll(async () => {
    await stopRoom?.();
    await sub?.close();
    ctx?.dispose();
    await broker?.dispose();
  });

  // (TestSubscriber.envelopes() would count response/events/replay too.)
  const events = () =>
    sub.messages.filter((m) => m.topic.startsWith(`${base}/events/`)).map((m) => JSON.parse(m.payload.toString()) as Envelope);

  async function replay(input: unknown, transaction: string): Promise<Response> {
    await sub.publish(`${base}/request/events/replay`, JSON.stringify({ transaction, input }));
    let found: Response | undefined;
    await until(
      () =>
        (found = sub.json('/response/events/replay').find((r) => (r as Response).transaction === transaction) as Response) !== undefined,
      'response',
    );
    validate('response.json', found);
    return found as Response;
  }

  it('publishes the asked range again with the same ids and seqs, and says what is no longer kept', async () => {
    for (let i = 0; i < 10; i++)
      ctx.outbox.append('camera.online', { cameraId: `cam-${i}`, since: new Date().toISOString(), offlineForS: null });
    await until(() => events().length === 10 && ctx.outbox.stats().unsent === 0, '10 events delivered');
    const first = events();
    const r = await replay({ fromSeq: 3, toSeq: 5 }, 'gap-1');
    expect(r).toEqual({ transaction: 'gap-1', status: 'ok', data: { replayed: 3, notKept: [], lastSeq: 10 } });
    await until(() => events().length === 13, 'the replayed three');
    const again = events().slice(10);
    expect(again.map((e) => [e.seq, e.id])).toEqual(first.slice(2, 5).map((e) => [e.seq, e.id]));
    for (const e of again) validate('envelope.json', e);

    // Sent rows purged after outbox.keepSentHours cannot come back: the answer says which.
    ctx.db.exec("UPDATE outbox SET sent_at = '2000-01-01T00:00:00.000Z' WHERE seq <= 4");
    expect(ctx.outbox.purgeSent(3600_000)).toBe(4);
    const partial = await replay({ fromSeq: 2, toSeq: 12 }, 'gap-2');
    expect(partial).toMatchObject({ status: 'ok', data: { replayed: 6, notKept: [[2, 4]], lastSeq: 10 } });
  });

  it('refuses a range that is upside down or too long', async () => {
    expect(await replay({ fromSeq: 5, toSeq: 4 }, 'bad-1')).toMatchObject({ status: 'error', code: 'invalid_input' });
    expect(await replay({ fromSeq: 1, toSeq: 20_000 }, 'bad-2')).toMatchObject({ status: 'error', code: 'invalid_input' });
  });
});
