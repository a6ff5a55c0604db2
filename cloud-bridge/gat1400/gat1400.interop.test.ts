import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, startRoom, until } from '../../gateway/testing/context.js';
import { createLogger } from '../../gateway/core/logger.js';
import { ConsoleMetrics } from '../../gateway/rooms/console/metrics/metrics.js';
import { ViidServer } from '../testing/viid-server.js';
import { GW, setupUplink } from '../testing/gat1400-uplink.js';
import { Gat1400Room } from './room.js';
import { HttpClient } from './http.js';
import { ViidSession } from './session.js';

// The GA/T 1400 uplink against a platform the test starts (Digest, schemas checked on every message).
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const setup = (gat1400: Record<string, unknown> = {}, server?: ViidServer) => setupUplink(cleanups, gat1400, server);

/** Record ids in the order the platform first accepted them, as event ids (through the object order check). */
function plates(server: ViidServer): string[] {
  return server.accepted.filter((r) => r.path === '/VIID/MotorVehicles').map((r) => String(r.object.PlateNo));
}

describe('GA/T 1400 uplink', () => {
  it('registers with Digest, pushes faces and vehicles in outbox order with their pictures; every message matches its schema', async () => {
    const s = await setup();
    await s.face(0);
    await s.plate(1);
    await s.face(2);
    await s.face(3);
    await s.face(4); // a stranger (face.unknown)
    await s.plate(5);
    await s.face(6, { picture: false }); // its picture already deleted by the snapshot retention
    await until(() => s.server.acceptedIds().length === 7, '7 records accepted');
    const rec = s.server.accepted;
    expect(rec.map((r) => r.path)).toEqual([
      '/VIID/Faces',
      '/VIID/MotorVehicles',
      '/VIID/Faces',
      '/VIID/Faces',
      '/VIID/Faces',
      '/VIID/MotorVehicles',
      '/VIID/Faces',
    ]);
    expect(s.server.violations).toEqual([]);
    // Register: first without credentials (401), then answered; then the clock check.
    const sys = s.server.requests.filter((r) => r.path.startsWith('/VIID/System'));
    expect(sys.slice(0, 3).map((r) => `${r.path} ${r.status}`)).toEqual([
      '/VIID/System/Register 401',
      '/VIID/System/Register 200',
      '/VIID/System/Time 200',
    ]);
    // Pictures: face crop (11) for faces; scene (14) and plate (02) for vehicles, real sizes, decodable.
    const pics = (r: (typeof rec)[number]) =>
      (r.object.SubImageList as { SubImageInfoObject: { Type: string; Width: number; Height: number; Data: string }[] } | undefined)
        ?.SubImageInfoObject ?? [];
    expect(pics(rec[0]!).map((p) => [p.Type, p.Width, p.Height])).toEqual([['11', 64, 80]]);
    expect(pics(rec[1]!).map((p) => [p.Type, p.Width, p.Height])).toEqual([
      ['14', 320, 180],
      ['02', 96, 32],
    ]);
    expect(Buffer.from(pics(rec[1]!)[0]!.Data, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(pics(rec[6]!)).toEqual([]);
    expect(rec[1]!.object).toMatchObject({ PlateNo: '粤B10001', PlateColor: '5', PlateClass: '02' });
    // Nothing personal beyond the record: no name, resident id or similarity.
    expect(JSON.stringify(rec.map((r) => r.object))).not.toMatch(/李四|r-0|similarity/);
    // The platform has the last record before the uplink has read its answer: the backlog
    // reaches 0 once it has.
    const summary = `GA/T 1400: ${s.server.url} as ${GW} (registered; faces, strangers, vehicles; backlog 0)`;
    await until(
      () => s.room.summary()[0] === summary,
      () => `backlog 0, summary: ${s.room.summary().join(' | ')}`,
      10_000,
    );
    expect(s.room.summary()).toEqual([summary]);
    await s.room.stop();
    expect(s.server.unregistrations).toBe(1);
  });

  it('a refused registration is retried with growing delays; nothing is pushed until it is accepted', async () => {
    const server = new ViidServer({ username: 'gw-user', password: 's3cret' });
    server.refuseRegistration = true;
    await server.start();
    cleanups.push(() => server.stop());
    const s = await setup({}, server);
    await s.face(0);
    await until(() => server.requests.filter((r) => r.path === '/VIID/System/Register').length >= 10, '5 refused registrations', 15_000);
    expect(server.accepted).toEqual([]);
    expect(server.requests.some((r) => r.path === '/VIID/Faces')).toBe(false);
    const answered = server.requests
      .filter((r) => r.path === '/VIID/System/Register')
      .filter((_, i) => i % 2 === 0)
      .map((r) => r.at);
    const gaps = answered.slice(1).map((t, i) => t - (answered[i] as number));
    expect(gaps.at(-1)).toBeGreaterThan(gaps[0] as number); // backoff
    expect(s.ctx.logs.some((l) => l.msg === 'GA/T 1400 registration failed; retrying' && /refused/.test(String(l.err)))).toBe(true);
    server.refuseRegistration = false;
    await until(() => server.acceptedIds().length === 1, 'the face after registration');
    expect(server.violations).toEqual([]);
  });

  it('a 401 mid-session registers again and continues: nothing lost, nothing twice', async () => {
    const s = await setup();
    for (let i = 0; i < 5; i++) await s.face(i);
    await until(() => s.server.acceptedIds().length === 5, 'first 5');
    s.server.dropSessions(); // the platform restarted and forgot us
    for (let i = 5; i < 12; i++) await s.plate(i);
    await until(() => s.server.acceptedIds().length === 12, 'all 12');
    expect(s.server.registrations).toBe(2);
    expect(s.server.accepted).toHaveLength(12);
    expect(plates(s.server)).toEqual([5, 6, 7, 8, 9, 10, 11].map((i) => `粤B${10000 + i}`));
    expect(s.server.requests.some((r) => r.path === '/VIID/MotorVehicles' && r.status === 401)).toBe(true);
    expect(s.server.violations).toEqual([]);
  });

  it('a dead platform (gone, then 503, then hanging) loses nothing: the backlog goes out in order, each record once', async () => {
    const s = await setup();
    await s.plate(0);
    await until(() => s.server.acceptedIds().length === 1, 'first');
    await s.server.stop();
    for (let i = 1; i < 10; i++) await s.plate(i);
    await until(() => s.ctx.logs.some((l) => l.msg === 'GA/T 1400 push failed; retrying with backoff'), 'a failed push');
    await s.server.start(); // same port
    s.server.failure = '503';
    await until(() => s.server.requests.filter((r) => r.status === 503).length >= 2, 'two 503 answers');
    s.server.failure = 'hang';
    await until(() => s.ctx.logs.some((l) => /no complete answer within 1000 ms/.test(String(l.err))), 'a timed-out push', 15_000);
    s.server.failure = false;
    for (let i = 10; i < 14; i++) await s.plate(i);
    await until(() => s.server.acceptedIds().length === 14, 'all 14', 20_000);
    expect(plates(s.server)).toEqual(Array.from({ length: 14 }, (_, i) => `粤B${10000 + i}`));
    expect(s.server.violations).toEqual([]);
  });

  it('a platform that answers after our timeout gets the very same ids again (it can deduplicate)', async () => {
    const s = await setup({ batchSize: 2 });
    s.server.delayMs = 1300; // over requestTimeoutS 1: it accepts, we never hear
    await s.face(0);
    await s.face(1);
    await until(() => s.server.accepted.length >= 2, 'accepted once, unheard');
    s.server.delayMs = 0;
    await until(() => /backlog 0/.test(s.room.summary()[0] ?? ''), 'acknowledged', 15_000);
    const ids = s.server.accepted.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(2);
    // Every redelivery is the same record, ids of the pictures included.
    for (const r of s.server.accepted) expect(r.object).toEqual(s.server.accepted.find((x) => x.id === r.id)?.object);
    expect(s.server.violations).toEqual([]);
  });

  it('malformed answers (not JSON, no status list, a StatusCode that is no number) are retried; ID in capitals is understood', async () => {
    const s = await setup({ deadLetters: { attempts: 50 } });
    s.server.idKey = 'ID';
    for (const mode of ['not-json', 'no-list', 'bad-code'] as const) {
      s.server.malformed = mode;
      const before = s.server.requests.filter((r) => r.path === '/VIID/Faces').length;
      if (mode === 'not-json') await s.face(0);
      await until(() => s.server.requests.filter((r) => r.path === '/VIID/Faces').length >= before + 2, `two tries with ${mode}`);
    }
    expect(s.ctx.logs.filter((l) => /unreadable body/.test(String(l.err))).length).toBeGreaterThanOrEqual(1);
    expect(s.server.accepted).toEqual([]);
    s.server.malformed = false;
    await until(() => s.server.acceptedIds().length === 1, 'accepted once readable');
    expect(s.server.accepted).toHaveLength(1);
  });

  it('a refused record (StatusCode 8, HTTP 400, unmappable) is retried a bounded number of times, then set aside as a dead letter; the rest flows in order', async () => {
    const s = await setup({ deadLetters: { attempts: 3 } });
    s.server.statusFor = (r) => (String(r.object.PlateNo) === '粤B10002' ? 8 : 0);
    s.server.badRequestIf = (r) => String(r.object.PlateNo) === '粤B10005'; // HTTP 400 for its whole batch
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await s.plate(i));
    // An event whose stored data cannot be mapped is set aside at once.
    ids.push(s.ctx.outbox.append('face.recognized', { cameraId: 'lane-1' }).id);
    await s.plate(8);
    await until(() => s.server.acceptedIds().length === 7, 'the 7 good ones', 20_000);
    await until(() => s.ctx.outbox.recent(50).filter((r) => r.kind === 'gat1400.rejected').length === 3, 'three rejections');
    expect(plates(s.server)).toEqual([0, 1, 3, 4, 6, 7, 8].map((i) => `粤B${10000 + i}`));
    const rejected = s.ctx.outbox
      .recent(50)
      .filter((r) => r.kind === 'gat1400.rejected')
      .map(
        (r) =>
          r.data as {
            eventId: string;
            reason: string;
            httpStatus: number | null;
            statusCode: number | null;
            recordId: string | null;
            attempts: number;
          },
      )
      .reverse();
    expect(rejected.map((r) => [r.eventId, r.reason, r.httpStatus, r.statusCode, r.attempts])).toEqual([
      [ids[2], 'refused', 200, 8, 3],
      [ids[5], 'refused', 400, null, 3],
      [ids[8], 'invalid_event', null, null, 0],
    ]);
    expect(rejected[0]!.recordId).toMatch(/^\d{41}02\d{5}$/);
    // Sent exactly `attempts` times each (the 400 one alone, after its batch was split to find it), then never again.
    const sent = () => ['粤B10002', '粤B10005'].map((plate) => s.server.received.filter((r) => r.object.PlateNo === plate));
    const [two, five] = sent();
    expect(s.server.refusals.filter((r) => r.id === two![0]!.id).map((r) => r.answer)).toEqual(Array(3).fill('StatusCode 8'));
    expect(five!.filter((r) => r.batch === 1)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(sent().map((l) => l.length)).toEqual([two!.length, five!.length]);
    expect(s.server.violations).toEqual([]);
    // Listed for the console, counted for /metrics.
    const listed = (await act(s.ctx, 'gat1400/dead-letters', {})) as { total: number; letters: { eventId: string; reason: string }[] };
    expect(listed.total).toBe(3);
    expect(listed.letters.map((l) => l.eventId).sort()).toEqual([ids[2], ids[5], ids[8]].sort());
    expect(await act(s.ctx, 'gat1400/status', {})).toMatchObject({ enabled: true, backlog: 0, pushed: 7, deadLettered: 3, deadLetters: 3 });
    expect(s.room.summary()[0]).toMatch(/backlog 0; dead letters 3\)$/);
    const metrics = new ConsoleMetrics({ actions: s.ctx.actions, outbox: s.ctx.outbox });
    cleanups.push(() => metrics.close());
    const { text } = await metrics.render();
    expect(text).toMatch(/^sharpeyes_gat1400_dead_letters 3$/m);
    expect(text).toMatch(/^sharpeyes_gat1400_dead_lettered_total 3$/m);
    expect(text).toMatch(/^sharpeyes_gat1400_pushed_total 7$/m);
    expect(text).toMatch(/^sharpeyes_gat1400_backlog 0$/m);
    // The operator replays them once the platform takes them: the same record ids as before;
    // the event that cannot be built stays a dead letter.
    s.server.statusFor = () => 0;
    s.server.badRequestIf = () => false;
    await expect(act(s.ctx, 'gat1400/dead-letters/replay', { eventIds: ['nope'] })).rejects.toMatchObject({ code: 'not_found' });
    expect(await act(s.ctx, 'gat1400/dead-letters/replay', { all: true })).toEqual({ queued: 3 });
    await until(() => s.server.acceptedIds().length === 9, 'the two replayed records', 10_000);
    expect(s.server.acceptedIds().slice(7)).toEqual([two![0]!.id, five![0]!.id]);
    await until(async () => ((await act(s.ctx, 'gat1400/dead-letters', {})) as { total: number }).total === 1, 'one dead letter left');
    const left = (await act(s.ctx, 'gat1400/dead-letters', {})) as { letters: { eventId: string; reason: string; replays: number }[] };
    expect(left.letters).toMatchObject([{ eventId: ids[8], reason: 'invalid_event' }]);
    expect(await act(s.ctx, 'gat1400/status', {})).toMatchObject({ replayed: 2, deadLetters: 1 });
  });

  it('an event that cannot be built is set aside once, even when the batch it led is sent again (401, then registered again)', async () => {
    const s = await setup();
    await s.plate(0);
    await until(() => s.server.acceptedIds().length === 1, 'first');
    s.server.dropSessions(); // the next POST is answered 401
    // Appended in one tick, so they go out as one batch led by the broken event.
    const broken = s.ctx.outbox.append('face.recognized', { cameraId: 'lane-1' }).id;
    for (let i = 1; i <= 3; i++) {
      const at = new Date(Date.parse('2026-11-24T08:00:00Z') + i * 1000).toISOString();
      s.ctx.outbox.append('plate.recognized', {
        cameraId: 'lane-2',
        plate: `粤B${10000 + i}`,
        colour: 'blue',
        confidence: 0.9,
        reads: 2,
        box: { x: 1, y: 1, width: 96, height: 32 },
        known: false,
        vehicle: null,
        snapshotId: null,
        cropId: null,
        at,
        firstSeen: at,
      });
    }
    await until(() => s.server.acceptedIds().length === 4, 'the 3 plates after registering again');
    expect(s.server.requests.some((r) => r.path === '/VIID/MotorVehicles' && r.status === 401)).toBe(true);
    const rejected = s.ctx.outbox.recent(100).filter((r) => r.kind === 'gat1400.rejected');
    expect(rejected.map((r) => (r.data as { eventId: string }).eventId)).toEqual([broken]);
    // Sent without pictures (none stored): an empty SubImageList.
    expect(s.server.accepted.at(-1)?.object.SubImageList).toEqual({ SubImageInfoObject: [] });
  });

  it('an unreadable dead-letter file is moved aside and a new one started; the uplink runs', async () => {
    const s = await setup();
    await s.room.stop();
    const file = join(s.ctx.dataDir, 'gat1400-dead-letters.db');
    writeFileSync(file, 'this is not a SQLite database, just some garbage text long enough to be read as a header');
    const stopAgain = await startRoom(s.ctx, new Gat1400Room(s.ctx), { registerActions: false });
    cleanups.push(stopAgain);
    await s.face(0);
    await until(() => s.server.acceptedIds().length === 1, 'delivered');
    expect(readdirSync(s.ctx.dataDir).some((f) => f.startsWith('gat1400-dead-letters.db.unreadable-'))).toBe(true);
    expect(s.ctx.logs.some((l) => l.msg === 'GA/T 1400 dead-letter file unreadable; moved aside, starting a new one')).toBe(true);
  });

  it('keeps its position across a restart: what was delivered is not sent again', async () => {
    const s = await setup();
    for (let i = 0; i < 3; i++) await s.face(i);
    await until(() => s.server.acceptedIds().length === 3, 'first 3');
    await s.room.stop();
    await s.face(3);
    const stopAgain = await startRoom(s.ctx, new Gat1400Room(s.ctx), { registerActions: false });
    cleanups.push(stopAgain);
    await until(() => s.server.acceptedIds().length === 4, 'the new one');
    await new Promise((r) => setTimeout(r, 300));
    expect(s.server.accepted).toHaveLength(4);
  });

  it('a keepalive answered 401 registers again', async () => {
    const server = new ViidServer({ username: 'gw-user', password: 's3cret' });
    await server.start();
    const http = new HttpClient(new URL(server.url), { timeoutMs: 1000 });
    const log = createLogger({ level: 'silent' });
    const session = new ViidSession({
      http,
      deviceId: GW,
      username: 'gw-user',
      password: () => 's3cret',
      keepaliveMs: 150,
      retryMinMs: 100,
      retryMaxMs: 400,
      offsetMinutes: 480,
      log,
    });
    cleanups.push(async () => {
      await session.stop();
      http.close();
      await server.stop();
    });
    session.start();
    await session.registered();
    await until(() => server.requests.filter((r) => r.path === '/VIID/System/Keepalive' && r.status === 200).length >= 2, 'two keepalives');
    server.dropSessions();
    await until(() => server.registrations === 2, 'registered again');
    await session.registered();
    expect(server.requests.some((r) => r.path === '/VIID/System/Keepalive' && r.status === 401)).toBe(true);
    expect(server.violations).toEqual([]);
  });
});
