import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { ActionError, ActionTable } from '../core/actions.js';
import { EventBus } from '../core/bus.js';
import type { GatewayContext } from '../core/context.js';
import type { GatewayEvents } from '../core/events.js';
import { createLogger } from '../core/logger.js';
import { faceEventContracts } from '../contracts/faces.js';
import { decodeImage } from '../imaging/image.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { FrameHub } from '../cameras/frames/hub.js';
import { FramePool } from '../cameras/frames/pool.js';
import { SnapshotStore } from '../cameras/snapshots/store.js';
import { faceModelsPrepared } from './models.js';
import { createFacesRoom, type FacesRoom } from './room.js';
import { ResidentStore } from './store/resident-store.js';

const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`faces room test skipped: need \`npm run models\` and ${FACES}`);

const call = async (ctx: GatewayContext, name: string, input: unknown) => {
  const action = ctx.actions.get(name)!;
  return action.handle(action.input.parse(input), { origin: 'platform', transaction: 't' });
};

describe.skipIf(!ready)('faces room (real models, real photos)', () => {
  let dir: string;
  let ctx: GatewayContext;
  let room: FacesRoom;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'faces-room-'));
    const loaded = parseConfig('faces:\n  pollMs: 60000\n  tracking:\n    maxGapMs: 60000\n', { source: 'test', baseDir: dir });
    const log = createLogger({ level: 'silent' });
    const db = new Database(join(dir, 'gateway.db'));
    ctx = {
      loaded,
      nodeId: 't',
      version: '0',
      startedAt: '',
      dataDir: dir,
      log,
      bus: new EventBus({ log }),
      actions: new ActionTable(),
      db,
      outbox: new Outbox({ db, log, quotaBytes: 1e7 }),
    };
    room = createFacesRoom(ctx);
    await room.start();
  });
  afterAll(async () => {
    await room?.stop();
    ctx?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
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
    await expect(call(ctx, 'residents/add', { name: 'x', photos: ['not base64!'] }).catch((e: Error) => e.name)).resolves.toBe('ZodError');
    expect(((await call(ctx, 'residents/list', {})) as { residents: unknown[] }).residents).toHaveLength(1);
  });

  it('recognises a resident on the first clear frame of a track: outbox event valid against its contract, bus event, snapshot', async () => {
    const img = await decodeImage(`${FACES}/obama/fr_obama2.jpg`);
    const seen: Array<GatewayEvents['face.identified']> = [];
    ctx.bus.on('face.identified', (e) => void seen.push(e));
    // Frame times are wall-clock ms: the room ends tracks not seen for maxGapMs by the clock
    // (60 s in this test, so a slow first frame on a loaded machine does not split the track).
    const t0 = Date.now();
    const frame = (ts: number) => ({ cameraId: 'gate-1', ts, width: img.width, height: img.height, data: img.data });
    // A large face clearing the threshold by faces.tracking.singleFrameMargin: no second frame needed.
    await room.onFrame(frame(t0));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ cameraId: 'gate-1', residentId: 'r-obama', name: 'Barack', ts: t0 });
    expect(seen[0]!.similarity).toBeGreaterThan(0.44 + 0.12);
    const rows = ctx.outbox.takeBatch(10).filter((r) => r.kind === 'face.recognized');
    expect(rows).toHaveLength(1);
    const data = faceEventContracts['face.recognized'].parse(rows[0]!.data);
    expect(data).toMatchObject({ residentId: 'r-obama', frames: 1, trackId: seen[0]!.trackId, threshold: 0.44 });
    expect(readdirSync(join(dir, 'snapshots'))).toContain(`${data.snapshotId}.jpg`);
    await room.onFrame(frame(t0 + 200)); // the same track is not reported again
    await room.onFrame(frame(t0 + 400));
    expect(seen).toHaveLength(1);
  });

  it('reports a stranger as face.unknown with residentId null', async () => {
    const img = await decodeImage(`${FACES}/_unknown/cf_009_C.jpg`);
    const next = ctx.bus.waitFor('face.identified', (e) => e.cameraId === 'gate-2', 30_000);
    for (const ts of [Date.now(), Date.now() + 200])
      await room.onFrame({ cameraId: 'gate-2', ts, width: img.width, height: img.height, data: img.data });
    const e = await next;
    expect(e).toMatchObject({ residentId: null, name: null });
    const rows = ctx.outbox.takeBatch(20).filter((r) => r.kind === 'face.unknown');
    expect(faceEventContracts['face.unknown'].parse(rows.at(-1)!.data)).toMatchObject({
      cameraId: 'gate-2',
      reason: 'below-unknown-threshold',
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

  it('takes frames from the cameras room (cameras.ready) and files crops in its snapshot store', async () => {
    const img = await decodeImage(`${FACES}/obama/fr_obama1.jpg`);
    const hub = new FrameHub();
    const pool = new FramePool(img.width * img.height * 3, 4);
    const snapDir = join(dir, 'camera-snapshots');
    const snapshots = new SnapshotStore({ dir: snapDir, maxCount: 100, maxAgeMs: 3600_000, quality: 80, log: ctx.log });
    ctx.bus.emit('cameras.ready', { frames: hub, snapshots, cameraIds: ['gate-3'] });
    const decided = ctx.bus.waitFor('face.identified', (e) => e.cameraId === 'gate-3', 60_000);
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
    const e = await decided;
    expect(e).toMatchObject({ residentId: 'r-obama' });
    expect(readdirSync(snapDir).some((f) => f.startsWith(e.snapshotId!))).toBe(true);
    hub.closeAll();
  });
});
