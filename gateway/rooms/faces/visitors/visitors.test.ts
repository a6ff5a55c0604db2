import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEvents } from '../../../events.js';
import { eventSchema } from '../../../events.js';
import { decodeImage, type RgbImage } from '../../../lib/imaging/image.js';
import { SnapshotStore } from '../../../lib/snapshots/store.js';
import { AccessRoom } from '../../access/room.js';
import type { GateControl } from '../../devices/room.js';
import { act, startRoom, testContext, type TestContext } from '../../../testing/context.js';
import { faceModelsPrepared } from '../models.js';
import { FacesRoom } from '../room.js';
import { VisitorRetention } from './retention.js';
import { accessGroups } from '../../access/groups-service.js';

const FACES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(join(FACES, 'obama')) && existsSync(join(FACES, 'biden'));
if (!ready) console.warn(`visitors test skipped: needs \`npm run models\` and ${FACES}`);

const b64 = (file: string) => readFileSync(join(FACES, file)).toString('base64');
const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

/**
 * Visitors enrolled by face, end to end inside one process: real models and photos, the faces
 * room deciding on frames, the access room deciding on the pass, a gate that records what it
 * is asked (the devices room's own tests cover real controllers).
 */
describe.skipIf(!ready)('visitors with a pass, by face (real models, real photos)', { timeout: 180_000 }, () => {
  let ctx: TestContext;
  let faces: FacesRoom;
  const stops: Array<() => Promise<void>> = [];
  const opened: string[] = [];
  const decisions: Array<GatewayEvents['access.decision']> = [];
  const gates: GateControl = {
    run: async (deviceId) => {
      opened.push(deviceId);
      return { ok: true, attempts: 1, ms: 1 };
    },
  };

  beforeAll(async () => {
    ctx = testContext({
      faces: { pollMs: 60_000, tracking: { maxGapMs: 60_000 }, visitors: { retentionHours: 1 } },
      cameras: { demo: false },
      devices: [],
      access: {
        cooldownS: 0,
        points: ['door-1', 'door-2', 'door-3', 'door-4'].map((camera, i) => ({ camera, gate: `ped-${i + 1}`, via: 'face' })),
      },
    });
    const snapshots = new SnapshotStore({
      dir: join(ctx.dataDir, 'snapshots'),
      maxBytes: 100_000_000,
      maxAgeMs: 3600_000,
      quality: 80,
      log: ctx.log,
    });
    faces = new FacesRoom(ctx, { snapshots, groups: accessGroups(ctx.db) });
    stops.push(await startRoom(ctx, faces));
    stops.push(await startRoom(ctx, new AccessRoom(ctx, { gates })));
    ctx.bus.on('access.decision', (d) => void decisions.push(d));
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    ctx?.dispose();
  });

  /** Two frames of a photo at a door camera (one passage); resolves with the decision for that door. */
  async function passAt(cameraId: string, img: RgbImage): Promise<GatewayEvents['access.decision']> {
    const from = decisions.length;
    const t0 = Date.now();
    for (const ts of [t0, t0 + 200]) await faces.onFrame({ cameraId, ts, width: img.width, height: img.height, data: img.data });
    const d = decisions.slice(from).find((x) => x.cameraId === cameraId);
    if (!d) throw new Error(`no access decision at ${cameraId}`);
    return d;
  }

  it('enrols a visitor over residents/add, lists the pass, and lets them in while it is valid', async () => {
    const added = (await act(ctx, 'residents/add', {
      id: 'v-obama',
      name: '奥巴马',
      photos: [b64('obama/fr_obama.jpg')],
      kind: 'visitor',
      hostId: 'r-1201',
      validFrom: hours(-1),
      validUntil: hours(1),
    })) as { resident: Record<string, unknown> };
    expect(added.resident).toMatchObject({ id: 'v-obama', kind: 'visitor', hostId: 'r-1201', templates: 1, version: null });
    const { residents } = (await act(ctx, 'residents/list', {})) as { residents: Array<Record<string, unknown>> };
    expect(residents).toEqual([
      expect.objectContaining({ id: 'v-obama', name: '奥巴马', kind: 'visitor', hostId: 'r-1201', validUntil: expect.any(String) }),
    ]);

    const recognised: Array<GatewayEvents['face.recognized']> = [];
    ctx.bus.on('face.recognized', (e) => void recognised.push(e));
    const d = await passAt('door-1', await decodeImage(join(FACES, 'obama/fr_obama2.jpg')));
    expect(d).toMatchObject({ gateId: 'ped-1', allow: true, reason: 'visitor_valid', subjectKind: 'visitor', subjectId: 'v-obama' });
    expect(opened).toEqual(['ped-1']);
    expect(recognised.at(-1)).toMatchObject({ residentId: 'v-obama', kind: 'visitor', hostId: 'r-1201' });
    expect(() => eventSchema('face.recognized')!.parse(recognised.at(-1))).not.toThrow();
  });

  it('refuses a visitor whose pass the platform ended (residents/upsert, no photos) as visitor_expired', async () => {
    const r = (await act(ctx, 'residents/upsert', {
      id: 'v-obama',
      name: '奥巴马',
      kind: 'visitor',
      hostId: 'r-1201',
      validUntil: hours(-1 / 60),
      version: 1,
    })) as Record<string, unknown>;
    expect(r).toMatchObject({ outcome: 'applied', version: 1, deleted: false, resident: { id: 'v-obama', templates: 1, version: 1 } });
    const d = await passAt('door-2', await decodeImage(join(FACES, 'obama/fr_obama1.jpg')));
    expect(d).toMatchObject({ gateId: 'ped-2', allow: false, reason: 'visitor_expired', subjectId: 'v-obama' });
    expect(opened).toEqual(['ped-1']);
  });

  it('enrols a new visitor over residents/upsert and refuses them before the pass starts; replays cost nothing', async () => {
    const upsert = {
      id: 'v-biden',
      name: 'Joe',
      photos: [b64('biden/fr_biden.jpg')],
      kind: 'visitor',
      hostId: 'r-0302',
      validFrom: hours(1),
      validUntil: hours(3),
      version: 7,
    };
    expect(await act(ctx, 'residents/upsert', upsert)).toMatchObject({ outcome: 'applied', resident: { templates: 1, version: 7 } });
    const d = await passAt('door-3', await decodeImage(join(FACES, 'biden/fr_biden2.jpg')));
    expect(d).toMatchObject({ allow: false, reason: 'visitor_not_yet_valid', subjectId: 'v-biden' });

    expect(await act(ctx, 'residents/upsert', upsert)).toMatchObject({ outcome: 'duplicate', version: 7 });
    // Judged before any photo is looked at: a replay or a stale upsert with a photo that would be
    // refused is answered on its version alone (no inference spent on it).
    const noface = [b64('_noface/cf_landscape.jpg')];
    expect(await act(ctx, 'residents/upsert', { ...upsert, photos: noface })).toMatchObject({ outcome: 'duplicate' });
    expect(await act(ctx, 'residents/upsert', { ...upsert, photos: noface, name: 'older', version: 6 })).toMatchObject({
      outcome: 'stale',
      version: 7,
      resident: { name: 'Joe' },
    });
  });

  it('refuses an upsert that cannot enrol anybody, and keeps no version for it', async () => {
    await expect(act(ctx, 'residents/upsert', { id: 'r-new', name: 'No photo', version: 1 })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/no face on this box/),
    });
    await expect(
      act(ctx, 'residents/upsert', { id: 'r-new', name: 'Landscape', photos: [b64('_noface/cf_landscape.jpg')], version: 1 }),
    ).rejects.toMatchObject({ code: 'photo_refused', message: expect.stringMatching(/photo 1: no face found/) });
    await expect(
      act(ctx, 'residents/upsert', {
        id: 'r-new',
        name: 'x',
        photos: [b64('obama/fr_obama.jpg')],
        kind: 'visitor',
        validUntil: hours(-1),
        hostId: 'h',
        version: 1,
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/pass already ended/) });
    const { residents } = (await act(ctx, 'residents/list', {})) as { residents: Array<{ id: string }> };
    expect(residents.map((r) => r.id).sort()).toEqual(['v-biden', 'v-obama']);
  });

  it('erases an expired visitor after the retention, with visitor.erased, and a replay of their upsert does not bring them back', async () => {
    const erased: Array<GatewayEvents['visitor.erased']> = [];
    ctx.bus.on('visitor.erased', (e) => void erased.push(e));
    const retention = new VisitorRetention({ events: ctx.events, store: faces.store, log: ctx.log, retentionHours: 1 });
    expect(retention.sweep(new Date(Date.now() + 30 * 60_000))).toBe(0); // 30 min after the end: kept
    expect(retention.sweep(new Date(Date.now() + 62 * 60_000))).toBe(1); // past the hour: erased
    expect(erased).toEqual([{ residentId: 'v-obama', hostId: 'r-1201', validUntil: expect.any(String), templates: 1, retentionHours: 1 }]);
    ctx.events.flush();
    const row = ctx.outbox.takeBatch(1000).find((r) => r.kind === 'visitor.erased')!;
    expect(eventSchema('visitor.erased')!.parse(row.data)).toEqual(erased[0]);
    expect(JSON.stringify(row.data)).not.toContain('奥巴马'); // no name on the wire
    const left = (n: string) => ctx.db.prepare<{ n: number }>(`SELECT COUNT(*) AS n FROM ${n} WHERE resident_id = 'v-obama'`).get()!.n;
    expect(left('face_templates')).toBe(0);
    expect(faces.store.get('v-obama')).toBeUndefined();

    expect(
      await act(ctx, 'residents/upsert', {
        id: 'v-obama',
        name: '奥巴马',
        kind: 'visitor',
        hostId: 'r-1201',
        validUntil: hours(-1 / 60),
        version: 1,
      }),
    ).toMatchObject({ outcome: 'stale', version: 1, deleted: true, resident: null });
    faces.identities.refresh();
    const d = await passAt('door-4', await decodeImage(join(FACES, 'obama/fr_obama3.jpg')));
    expect(d).toMatchObject({ allow: false, reason: 'unknown', subjectKind: 'unknown' });
  });

  it('residents/delete erases for good; a replay is a duplicate and a late upsert is stale', async () => {
    expect(await act(ctx, 'residents/delete', { id: 'v-biden', version: 8 })).toEqual({
      outcome: 'applied',
      version: 8,
      deleted: true,
      existed: true,
    });
    expect(faces.identities.size).toBe(0);
    expect(await act(ctx, 'residents/delete', { id: 'v-biden', version: 8 })).toMatchObject({ outcome: 'duplicate', existed: false });
    expect(
      await act(ctx, 'residents/upsert', { id: 'v-biden', name: 'Joe', photos: [b64('biden/fr_biden.jpg')], version: 7 }),
    ).toMatchObject({
      outcome: 'stale',
      deleted: true,
    });
    expect(faces.store.get('v-biden')).toBeUndefined();
  });
});
