import { afterEach, describe, expect, it } from 'vitest';
import { act, startRoom, until } from '../../gateway/testing/context.js';
import { createLogger } from '../../gateway/core/logger.js';
import { ViidServer } from '../testing/viid-server.js';
import { VIID_PROFILES, type ViidProfile } from '../testing/viid-profiles.js';
import { GW, setupUplink } from '../testing/gat1400-uplink.js';
import { HttpClient } from './http.js';
import { ViidSession } from './session.js';
import { Gat1400Room } from './room.js';

// The GA/T 1400 uplink against each validation profile of the project's conformance stub
// (cloud-bridge/testing/viid-profiles.ts): rules of public 视图库 servers read from their code and
// played by a server written here — a conformance stub, not an independent peer.
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stub(profile: ViidProfile): Promise<ViidServer> {
  const server = new ViidServer({ username: 'gw-user', password: 's3cret', profile });
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

const plateNos = (server: ViidServer, list = server.accepted) =>
  list.filter((r) => r.path === '/VIID/MotorVehicles').map((r) => String(r.object.PlateNo));

describe.each(VIID_PROFILES)('GA/T 1400 uplink against the conformance stub, profile %s', (profile) => {
  it('delivers faces (with and without their picture) and vehicles once each, in order, nothing refused', async () => {
    const server = await stub(profile);
    const s = await setupUplink(cleanups, {}, server);
    await s.face(0);
    await s.face(1, { picture: false }); // retention deleted its picture
    await s.plate(2);
    await s.face(3);
    await s.face(4, { picture: false }); // a stranger without a picture
    await s.plate(5);
    await until(
      () => server.acceptedIds().length === 6,
      () => `6 accepted; refusals ${JSON.stringify(server.refusals)}`,
      20_000,
    );
    await until(() => /backlog 0/.test(s.room.summary()[0] ?? ''), 'backlog 0', 10_000);
    expect(server.refusals).toEqual([]);
    expect(
      server.requests.filter((r) => r.path.startsWith('/VIID/Faces') || r.path.startsWith('/VIID/Motor')).map((r) => r.status),
    ).not.toContain(500);
    // Stored once each: nothing was retried into a duplicate.
    expect(server.stored.map((r) => r.id)).toEqual(server.acceptedIds());
    expect(server.violations).toEqual([]);
    expect(((await act(s.ctx, 'gat1400/dead-letters', {})) as { total: number }).total).toBe(0);
  });

  it('a record the platform keeps refusing becomes a dead letter after the configured attempts; the others flow in order', async () => {
    const server = await stub(profile);
    const s = await setupUplink(cleanups, { deadLetters: { attempts: 2 }, batchSize: 4 }, server);
    // StatusCode 500 for one record ("500" as a string in the string-codes profile).
    server.statusFor = (r) => (r.object.PlateNo === '粤B10001' ? 500 : 0);
    for (let i = 0; i < 4; i++) await s.plate(i);
    await until(() => server.acceptedIds().length === 3, 'the other 3', 20_000);
    expect(plateNos(server)).toEqual(['粤B10000', '粤B10002', '粤B10003']);
    await until(async () => ((await act(s.ctx, 'gat1400/dead-letters', {})) as { total: number }).total === 1, 'a dead letter');
    const dead = (await act(s.ctx, 'gat1400/dead-letters', {})) as { letters: { reason: string; statusCode: number; attempts: number }[] };
    expect(dead.letters).toMatchObject([{ reason: 'refused', statusCode: 500, attempts: 2 }]);
    expect(server.violations).toEqual([]);
  });
});

describe('the conformance stub plays the public servers’ rules (so the uplink’s fields are what passes them)', () => {
  async function session(server: ViidServer, password = 's3cret') {
    const http = new HttpClient(new URL(server.url), { timeoutMs: 2000 });
    const sess = new ViidSession({
      http,
      deviceId: GW,
      username: 'gw-user',
      password: () => password,
      keepaliveMs: 60_000,
      retryMinMs: 100,
      retryMaxMs: 400,
      offsetMinutes: 480,
      log: createLogger({ level: 'silent' }),
    });
    cleanups.push(async () => {
      await sess.stop();
      http.close();
    });
    sess.start();
    await sess.registered();
    const post = (objects: Record<string, unknown>[]) =>
      http.request('POST', '/VIID/Faces', sess.headers(), JSON.stringify({ FaceListObject: { FaceObject: objects } }));
    return post;
  }
  const face = (serial: number, extra: Record<string, unknown> = {}) => {
    const source = `${GW}0220261124153000${String(serial).padStart(5, '0')}`;
    return {
      FaceID: `${source}06${String(serial).padStart(5, '0')}`,
      InfoKind: 1,
      SourceID: source,
      DeviceID: GW,
      LeftTopX: 1,
      LeftTopY: 1,
      RightBtmX: 9,
      RightBtmY: 9,
      FaceAppearTime: '20261124153000',
      ShotTime: '20261124153000',
      ...extra,
    };
  };
  const flags = { IsSuspectedTerrorist: 0, IsCriminalInvolved: 0, IsDetainees: 0, IsVictim: 0, IsSuspiciousPerson: 0 };
  const sub = { SubImageList: { SubImageInfoObject: [] } };

  it('flags-required: StatusCode 10 without the five flags, HTTP 500 without SubImageList, and what was read before the crash stays stored', async () => {
    const server = await stub('flags-required');
    const post = await session(server);
    const noFlags = await post([face(1, sub)]);
    expect(JSON.parse(noFlags.body)).toMatchObject({ ResponseStatusListObject: { ResponseStatusObject: [{ StatusCode: 10 }] } });
    const crash = await post([face(2, { ...flags, ...sub }), face(3, flags)]);
    expect(crash.status).toBe(500);
    expect(server.stored.map((r) => r.id)).toEqual([face(2).FaceID]); // saved before the answer
    await post([face(2, { ...flags, ...sub })]); // the retry stores it twice
    expect(server.stored.map((r) => r.id)).toEqual([face(2).FaceID, face(2).FaceID]);
  });

  it('string-codes: StatusCode as a string, and a Digest answer with a wrong password still registers (only realm and nonce are checked)', async () => {
    const server = await stub('string-codes');
    const post = await session(server, 'not-the-password');
    const ok = await post([face(1, { ...flags, ...sub })]);
    expect(JSON.parse(ok.body)).toMatchObject({ ResponseStatusListObject: { ResponseStatusObject: [{ StatusCode: '0' }] } });
  });

  it('flags-required: a batch answered HTTP 500 is split down to the failing record, which becomes a dead letter; copies stored by the platform keep their ids', async () => {
    const server = await stub('flags-required');
    const s = await setupUplink(cleanups, { deadLetters: { attempts: 2 }, batchSize: 8 }, server);
    server.serverErrorIf = (r) => r.object.PlateNo === '粤B10005';
    server.failure = '503'; // away while the 8 records queue up, so they go out as one batch
    for (let i = 0; i < 8; i++) await s.plate(i);
    await until(() => server.requests.some((r) => r.status === 503), 'a 503');
    server.failure = false;
    await until(
      () => server.acceptedIds().length === 7,
      () => `7 accepted, got ${plateNos(server).join(' ')}`,
      20_000,
    );
    expect(plateNos(server)).toEqual([0, 1, 2, 3, 4, 6, 7].map((i) => `粤B${10000 + i}`));
    const alone = server.received.filter((r) => r.object.PlateNo === '粤B10005' && r.batch === 1);
    expect(alone).toHaveLength(2);
    const dead = (await act(s.ctx, 'gat1400/dead-letters', {})) as { letters: { reason: string; httpStatus: number }[] };
    expect(dead.letters).toMatchObject([{ reason: 'failed', httpStatus: 500 }]);
    // Copies stored before a crash are the same records (same ids): the platform can deduplicate.
    for (const r of server.stored) expect(r.object).toEqual(server.stored.find((x) => x.id === r.id)?.object);
    expect(new Set(server.stored.map((r) => r.id)).size).toBe(7);
    expect(server.violations).toEqual([]);
  });
});

describe('strikes and a failing platform', () => {
  const rejections = (s: Awaited<ReturnType<typeof setupUplink>>) =>
    s.ctx.outbox
      .recent(50)
      .filter((r) => r.kind === 'gat1400.rejected')
      .map((r) => r.data as { reason: string; attempts: number; statusCode: number | null });

  it('a record’s strikes survive a restart of the uplink: it is not given its attempts again', async () => {
    const server = await stub('flags-required');
    const s = await setupUplink(cleanups, { deadLetters: { attempts: 3 }, retryMinMs: 1500, retryMaxMs: 3000 }, server);
    server.statusFor = (r) => (r.object.PlateNo === '粤B10001' ? 8 : 0);
    const refused = () => server.refusals.filter((r) => r.answer === 'StatusCode 8').length;
    for (let i = 0; i < 3; i++) await s.plate(i);
    await until(() => refused() === 2, 'two refusals', 20_000);
    await s.room.stop(); // a real restart: the room stops, its dead-letter file is closed
    expect(refused()).toBe(2);
    expect(rejections(s)).toEqual([]);
    cleanups.push(await startRoom(s.ctx, new Gat1400Room(s.ctx), { registerActions: false }));
    await until(() => rejections(s).length === 1, 'set aside after its third refusal', 20_000);
    expect(rejections(s)).toMatchObject([{ reason: 'refused', statusCode: 8, attempts: 3 }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(refused()).toBe(3); // 2 before the restart, 1 after: not 2 + 3
  });

  it('records delivered past one being retried are not sent again after a restart', async () => {
    const server = await stub('flags-required');
    const s = await setupUplink(cleanups, { deadLetters: { attempts: 4 }, retryMinMs: 1500, retryMaxMs: 3000 }, server);
    server.statusFor = (r) => (r.object.PlateNo === '粤B10001' ? 8 : 0);
    const refused = () => server.refusals.filter((r) => r.answer === 'StatusCode 8').length;
    const stored = (i: number) => server.stored.filter((r) => r.object.PlateNo === `粤B${10000 + i}`).length;
    for (let i = 0; i < 3; i++) await s.plate(i);
    await until(() => stored(2) === 1 && refused() >= 1, 'the record behind the refused one delivered', 20_000);
    await s.room.stop(); // a real restart while 粤B10001 is still being retried
    expect(refused()).toBeLessThan(4);
    cleanups.push(await startRoom(s.ctx, new Gat1400Room(s.ctx), { registerActions: false }));
    await until(() => rejections(s).length === 1, 'the refused record set aside', 30_000);
    server.statusFor = () => 0;
    await s.plate(3);
    await until(() => stored(3) === 1, 'the next record delivered', 20_000);
    expect([stored(0), stored(2), stored(3)]).toEqual([1, 1, 1]); // nothing sent twice across the restart
  });

  it('a platform failing every record (HTTP 500) is down, not a dead letter per record: nothing set aside or lost, order kept', async () => {
    const server = await stub('flags-required');
    const s = await setupUplink(cleanups, { deadLetters: { attempts: 2 }, batchSize: 4 }, server);
    await s.plate(0);
    await until(() => server.acceptedIds().length === 1, 'the first record while the platform works', 20_000);
    server.failure = '500';
    for (let i = 1; i < 7; i++) await s.plate(i);
    // The batch is bisected down to its head, then a witness goes alone: both fail alike, round after round.
    const lone = () => server.received.filter((r) => r.batch === 1 && r.object.PlateNo !== '粤B10000');
    await until(() => lone().length >= 6 && new Set(lone().map((r) => r.id)).size >= 2, 'lone records failing alike, 3 rounds', 30_000);
    const down = s.room.uplinkStatus()[0];
    expect(down).toMatchObject({ kind: 'gat1400', state: 'down' });
    expect(down?.detail).toMatch(/fails every record alike \(HTTP 500/);
    expect(await act(s.ctx, 'gat1400/status', {})).toMatchObject({
      failing: { detail: expect.stringMatching(/HTTP 500/) },
      deadLetters: 0,
    });
    expect(rejections(s)).toEqual([]);
    server.failure = false;
    await until(
      () => server.acceptedIds().length === 7,
      () => `7 accepted, got ${plateNos(server).join(' ')}`,
      30_000,
    );
    expect(plateNos(server)).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `粤B${10000 + i}`));
    expect(server.stored.map((r) => r.id)).toEqual(server.acceptedIds()); // each stored once
    expect(((await act(s.ctx, 'gat1400/dead-letters', {})) as { total: number }).total).toBe(0);
    expect(rejections(s)).toEqual([]);
    expect(s.room.uplinkStatus()[0]).toMatchObject({ state: 'up', detail: null });
    expect(server.violations).toEqual([]);
  });
});
