import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoom, testContext, until, type TestContext } from '../../gateway/testing/context.js';
import { startMosquitto, type Mosquitto } from '../testing/mosquitto.js';
import { TestSubscriber } from '../testing/subscriber.js';
import { schemaValidator } from '../testing/validate.js';
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
    ctx = testContext(
      `cloud:\n  url: ${broker.url}\n  reconnectMinMs: 100\n  accounts: { platform: admin, wall-display: viewer, duty-desk: operator }\n`,
    );
    sub = await TestSubscriber.connect({ url: broker.url }, [`${base}/events/#`, `${base}/response/#`, `${base}/from/+/response/#`]);
    stopRoom = await startRoom(ctx, new CloudBridgeRoom(ctx));
  });

  afterAll(async () => {
    await stopRoom?.();
    await sub?.close();
    ctx?.dispose();
    await broker?.dispose();
  });

  // (TestSubscriber.envelopes() would count response/events/replay too; each replay is audited: audit.action.)
  const events = () =>
    sub.messages
      .filter((m) => m.topic.startsWith(`${base}/events/`) && !m.topic.endsWith('/audit.action'))
      .map((m) => JSON.parse(m.payload.toString()) as Envelope);

  async function replay(input: unknown, transaction: string, account?: string): Promise<Response> {
    const from = account === undefined ? '' : `/from/${account}`;
    const stamp = { ts: new Date().toISOString(), nonce: `nonce-${transaction}` };
    await sub.publish(`${base}${from}/request/events/replay`, JSON.stringify({ transaction, input, ...stamp }));
    let found: Response | undefined;
    await until(
      () =>
        (found = sub.json(`${from}/response/events/replay`).find((r) => (r as Response).transaction === transaction) as Response) !==
        undefined,
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
    await until(
      () => events().length === 13,
      () => `the replayed three (${events().length})`,
    );
    const again = events().slice(10);
    expect(again.map((e) => [e.seq, e.id])).toEqual(first.slice(2, 5).map((e) => [e.seq, e.id]));
    for (const e of again) validate('envelope.json', e);

    // Sent rows purged after outbox.keepSentHours cannot come back: the answer says which.
    ctx.db.exec("UPDATE outbox SET sent_at = '2000-01-01T00:00:00.000Z' WHERE seq <= 4");
    expect(ctx.outbox.purgeSent(3600_000)).toBe(4);
    const partial = await replay({ fromSeq: 2, toSeq: 12 }, 'gap-2');
    // seq 11 is the audit.action of the first replay.
    expect(partial).toMatchObject({ status: 'ok', data: { replayed: 7, notKept: [[2, 4]], lastSeq: 11 } });
  });

  it('needs an operator: a viewer account is refused, and both are audited', async () => {
    expect(await replay({ fromSeq: 5, toSeq: 6 }, 'wall-1', 'wall-display')).toMatchObject({
      status: 'error',
      code: 'forbidden',
      error: expect.stringContaining('needs the operator role; wall-display is viewer'),
    });
    expect(await replay({ fromSeq: 5, toSeq: 6 }, 'desk-1', 'duty-desk')).toMatchObject({ status: 'ok', data: { replayed: 2 } });
    const rows = ctx.db
      .prepare<{ by: string; ok: number; code: string | null }>(
        "SELECT by, ok, code FROM audit_log WHERE action = 'events/replay' ORDER BY ts",
      )
      .all();
    expect(rows).toEqual(
      expect.arrayContaining([
        { by: 'wall-display', ok: 0, code: 'forbidden' },
        { by: 'duty-desk', ok: 1, code: null },
      ]),
    );
  });

  it('refuses a range that is upside down or too long', async () => {
    expect(await replay({ fromSeq: 5, toSeq: 4 }, 'bad-1')).toMatchObject({ status: 'error', code: 'invalid_input' });
    expect(await replay({ fromSeq: 1, toSeq: 20_000 }, 'bad-2')).toMatchObject({ status: 'error', code: 'invalid_input' });
  });

  it('does not hold back new events behind a long replay: an event appended mid-replay arrives before the replay ends', async () => {
    const N = 3000;
    for (let i = 0; i < N; i++)
      ctx.db.transaction(() =>
        ctx.outbox.append('camera.online', { cameraId: `bulk-${i}`, since: new Date().toISOString(), offlineForS: null }),
      );
    await until(() => ctx.outbox.stats().unsent === 0, 'bulk delivered', 60_000);
    const { lastSeq } = ctx.outbox.stats();
    const before = sub.messages.length;
    const answer = replay({ fromSeq: lastSeq - N + 1, toSeq: lastSeq }, 'long-1', 'duty-desk');
    const arrived = () => sub.messages.slice(before).filter((m) => m.topic.endsWith('/events/camera.online')).length;
    await until(() => arrived() >= 100, 'the replay under way', 60_000);
    ctx.outbox.append('camera.offline', { cameraId: 'marker', reason: 'exited', message: 'mid-replay' } as never);
    expect(await answer).toMatchObject({ status: 'ok', data: { replayed: N } });
    await until(() => sub.messages.slice(before).some((m) => m.topic.endsWith('/events/camera.offline')), 'the marker', 60_000);
    const topics = sub.messages.slice(before).map((m) => m.topic);
    const marker = topics.findIndex((t) => t.endsWith('/events/camera.offline'));
    const lastReplayed = topics.map((t) => t.endsWith('/events/camera.online')).lastIndexOf(true);
    expect(marker).toBeLessThan(lastReplayed);
  });
});
