import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../core/actions.js';
import type { GatewayContext } from '../../core/context.js';
import type { EventMeta } from '../../core/bus.js';
import { eventSchema, type GatewayEvents } from '../../events.js';
import { decodeImage } from '../../lib/imaging/image.js';
import { Database } from '../../store/database.js';
import { FrameHub } from '../../lib/frames/hub.js';
import { FramePool } from '../../lib/frames/pool.js';
import { SnapshotStore } from '../../lib/snapshots/store.js';
import { startRoom, TEST_ACTOR, testContext, type TestContext } from '../../testing/context.js';
import { faceModelsPrepared } from './models.js';
import { FacesRoom } from './room.js';
import { ResidentStore } from './store/resident-store.js';
import { accessGroups } from '../access/groups-service.js';

const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`faces room test skipped: need \`npm run models\` and ${FACES}`);

const call = (ctx: GatewayContext, name: string, input: unknown) => ctx.actions.run(name, input, TEST_ACTOR);

describe.skipIf(!ready)('faces room (real models, real photos)', () => {
  let ctx: TestContext;
  let dir: string;
  let room: FacesRoom;
  let stopRoom: (() => Promise<void>) | undefined;
  let hub: FrameHub;
  let snapDir: string;
  type Decision = {
    kind: 'face.recognized' | 'face.unknown';
    e: GatewayEvents['face.recognized'] | GatewayEvents['face.unknown'];
    meta: EventMeta;
  };
  const decisions: Decision[] = [];
  const next = (cameraId: string, ms = 30_000) =>
    new Promise<Decision>((resolve, reject) => {
      const from = decisions.length;
      const timer = setTimeout(() => reject(new Error(`no face decision for ${cameraId} within ${ms} ms`)), ms);
      const poll = () => {
        const d = decisions.slice(from).find((x) => x.e.cameraId === cameraId);
        if (d) {
          clearTimeout(timer);
          resolve(d);
        } else setTimeout(poll, 20);
      };
      poll();
    });
  beforeAll(async () => {
    ctx = testContext('faces:\n  pollMs: 60000\n  tracking:\n    maxGapMs: 60000\n');
    dir = ctx.dataDir;
    hub = new FrameHub();
    snapDir = join(dir, 'snapshots');
    const snapshots = new SnapshotStore({ dir: snapDir, maxBytes: 100_000_000, maxAgeMs: 3600_000, quality: 80, log: ctx.log });
    for (const kind of ['face.recognized', 'face.unknown'] as const) ctx.bus.on(kind, (e, meta) => void decisions.push({ kind, e, meta }));
    room = new FacesRoom(ctx, { frames: hub, snapshots, groups: accessGroups(ctx.db) });
    stopRoom = await startRoom(ctx, room);
  });
  afterAll(async () => {
    await stopRoom?.();
    hub?.closeAll();
    ctx?.dispose();
  });

  it('enrols over residents/add (base64) and refuses a photo without a face, storing nothing', async () => {
    const photo = readFileSync(`${FACES}/obama/fr_obama.jpg`).toString('base64');
    const added = (await call(ctx, 'residents/add', { id: 'r-obama', name: 'Barack', photos: [photo] })) as {
      resident: { id: string; templates: number };
    };
    expect(added.resident).toMatchObject({ id: 'r-obama', templates: 1 });
    const noface = readFileSync(`${FACES}/_noface/cf_landscape.jpg`).toString('base64');
    const refused = call(ctx, 'residents/add', { name: 'Nobody', photos: [photo, noface] });
    await expect(refused).rejects.toBeInstanceOf(ActionError);
    await expect(refused).rejects.toThrow(/photo 2: no face found/);
    await expect(call(ctx, 'residents/add', { name: 'x', photos: ['not base64!'] })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/input.photos\[0\]/),
    });
    expect(((await call(ctx, 'residents/list', {})) as { residents: unknown[] }).residents).toHaveLength(1);
  });

  it('recognises a resident on the first clear frame of a track: outbox event valid against its contract, bus event, snapshot', async () => {
    const img = await decodeImage(`${FACES}/obama/fr_obama2.jpg`);
    const from = decisions.length;
    // Frame times are wall-clock ms: the room ends tracks not seen for maxGapMs by the clock
    // (60 s in this test, so a slow first frame on a loaded machine does not split the track).
    const t0 = Date.now();
    const frame = (ts: number) => ({ cameraId: 'gate-1', ts, width: img.width, height: img.height, data: img.data });
    // A large face clearing the threshold by faces.tracking.singleFrameMargin: no second frame needed.
    await room.onFrame(frame(t0));
    const seen = decisions.slice(from);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.kind).toBe('face.recognized');
    const bus = seen[0]!.e as GatewayEvents['face.recognized'];
    expect(bus).toMatchObject({ cameraId: 'gate-1', residentId: 'r-obama', name: 'Barack' });
    expect(seen[0]!.meta.ts).toBe(new Date(t0).toISOString());
    expect(bus.similarity).toBeGreaterThan(0.472 + 0.12);
    ctx.events.flush();
    const rows = ctx.outbox.takeBatch(10).filter((r) => r.kind === 'face.recognized');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(seen[0]!.meta.id);
    const data = eventSchema('face.recognized')!.parse(rows[0]!.data) as GatewayEvents['face.recognized'];
    expect(data).toEqual(bus); // the same on the bus and on the wire
    expect(data).toMatchObject({ residentId: 'r-obama', frames: 1, threshold: 0.472 });
    expect(readdirSync(snapDir).some((f) => f.startsWith(data.snapshotId!))).toBe(true);
    await room.onFrame(frame(t0 + 200)); // the same track is not reported again
    await room.onFrame(frame(t0 + 400));
    expect(decisions.length).toBe(from + 1);
  });

  it('reports a stranger as face.unknown with residentId null', async () => {
    const img = await decodeImage(`${FACES}/_unknown/cf_009_C.jpg`);
    const decided = next('gate-2');
    for (const ts of [Date.now(), Date.now() + 200])
      await room.onFrame({ cameraId: 'gate-2', ts, width: img.width, height: img.height, data: img.data });
    const d = await decided;
    expect(d.kind).toBe('face.unknown');
    ctx.events.flush();
    const rows = ctx.outbox.takeBatch(20).filter((r) => r.kind === 'face.unknown');
    expect(eventSchema('face.unknown')!.parse(rows.at(-1)!.data)).toMatchObject({
      cameraId: 'gate-2',
      reason: 'below_unknown_threshold',
    });
  });

  it('picks up residents changed by another process (the CLI) and erases them on residents/remove', async () => {
    const cliDb = new Database(join(dir, 'gateway.db'));
    const cli = new ResidentStore({ db: cliDb });
    const emb = cli.embeddings('r-obama')[0]!;
    cli.add({ id: 'r-copy', name: 'Copy', templates: [{ embedding: emb, quality: {}, source: 'test' }] });
    cliDb.close();
    expect(await call(ctx, 'residents/changed', {})).toEqual({ reloaded: 1, residents: 2 });
    expect(await call(ctx, 'residents/remove', { id: 'r-copy' })).toEqual({ removed: 'r-copy' });
    expect(room.identities.size).toBe(1);
    await expect(call(ctx, 'residents/remove', { id: 'r-copy' })).rejects.toThrow(/no resident r-copy/);
  });

  it("takes frames from the cameras room's hub and files crops in its snapshot store", async () => {
    const img = await decodeImage(`${FACES}/obama/fr_obama1.jpg`);
    const pool = new FramePool(img.width * img.height * 3, 4);
    const decided = next('gate-3', 60_000);
    const t0 = Date.now();
    const base = room.stats.frames;
    for (let seq = 1; seq <= 2; seq++) {
      const data = pool.acquire();
      data.set(img.data);
      hub.publish(
        {
          cameraId: 'gate-3',
          width: img.width,
          height: img.height,
          format: 'rgb24',
          data,
          ts: t0 + seq * 200,
          seq,
          motionRoi: null,
          regions: [],
        },
        pool,
      );
      pool.release(data);
      // Let the room take this frame before the next one replaces it in its slot.
      await new Promise<void>((r) => {
        const poll = () => (room.stats.frames >= base + seq ? r() : setTimeout(poll, 20));
        poll();
      });
    }
    const { e } = await decided;
    expect(e).toMatchObject({ residentId: 'r-obama' });
    expect(readdirSync(snapDir).some((f) => f.startsWith(e.snapshotId!))).toBe(true);
  });

  it('enrols a resident from photo files for another room (ResidentEnrolment: the demo), who is recognised at once', async () => {
    const photos = [`${FACES}/biden/fr_biden.jpg`];
    const resident = { id: 'r-biden', name: 'Joe', photos };
    expect(room.isEnrolled('r-biden')).toBe(false);
    // A caller that gave up waiting for the models (its deadline passed): nothing is stored.
    const gaveUp = new AbortController();
    gaveUp.abort(new Error('face models not loaded within 120 s'));
    await expect(room.enrolFromPhotos(resident, gaveUp.signal)).rejects.toThrow('face models not loaded within 120 s');
    expect(room.isEnrolled('r-biden')).toBe(false);
    await expect(room.enrolFromPhotos(resident, new AbortController().signal)).resolves.toEqual({ id: 'r-biden', name: 'Joe' });
    expect(room.isEnrolled('r-biden')).toBe(true);
    // The recognition index sees the new resident without a reload (the demo's first passage).
    const img = await decodeImage(`${FACES}/biden/fr_biden.jpg`);
    const decided = next('gate-4');
    for (const ts of [Date.now(), Date.now() + 200])
      await room.onFrame({ cameraId: 'gate-4', ts, width: img.width, height: img.height, data: img.data });
    expect((await decided).e).toMatchObject({ residentId: 'r-biden', name: 'Joe' });
  });
});
