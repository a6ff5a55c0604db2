import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { EventBus } from '../core/bus.js';
import { ActionTable } from '../core/actions.js';
import { createLogger } from '../core/logger.js';
import type { GatewayContext } from '../core/context.js';
import { Database } from '../store/database.js';
import { Outbox } from '../store/outbox.js';
import { decodeImage } from '../imaging/image.js';
import { modelsPrepared } from '../inference/models.js';
import { createPlatesRoom, type PlatesRoom } from './room.js';
import { DET_FILE } from './detector.js';
import { REC_FILE, REC_KEYS } from './recogniser.js';
import type { PlateRecognizedEvent } from './events.js';

const SCENE = resolve('../shared/datasets/plates/full/easypr__京A88731.jpg');
const ready = existsSync(SCENE) && modelsPrepared([DET_FILE, REC_FILE, REC_KEYS]);
if (!ready) console.warn('plates room test skipped: needs ../shared/datasets/plates and `npm run models`');

describe.skipIf(!ready)('plates room (real models, real scene)', () => {
  let dir: string;
  let ctx: GatewayContext;
  let room: PlatesRoom;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plates-room-'));
    const loaded = parseConfig('plates:\n  enabled: true\n  consensus:\n    minReads: 2\n    trackTimeoutMs: 600000\n', { source: 'test', baseDir: dir });
    const log = createLogger({ level: 'silent' });
    const db = new Database(join(dir, 'gateway.db'));
    ctx = { loaded, nodeId: 't', version: '0', startedAt: '', dataDir: dir, log, bus: new EventBus({ log }), actions: new ActionTable(), db, outbox: new Outbox({ db, log, quotaBytes: 1e7 }) };
    room = createPlatesRoom(ctx);
    await room.start();
  });
  afterAll(async () => {
    await room?.stop();
    ctx?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('settles a plate over two frames, matches the resident, records outbox + bus event + snapshots', async () => {
    await ctx.actions.get('vehicles/add')!.handle({ plate: '京A88731', ownerId: 'resident-7', kind: 'resident' }, { origin: 'cli', transaction: 't' });
    const img = await decodeImage(SCENE);
    const events: PlateRecognizedEvent[] = [];
    ctx.bus.on('plate.recognized', (e) => void events.push(e));
    const frame = (ts: number) => ({ cameraId: 'gate-1', ts, width: img.width, height: img.height, data: img.data });
    // Frame times are wall-clock ms, like the cameras room's (tracks expire on the wall clock).
    const t0 = Date.now();
    await room.onFrame(frame(t0));
    expect(events).toHaveLength(0); // one read is not a consensus yet
    await room.onFrame(frame(t0 + 200));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ cameraId: 'gate-1', plate: '京A88731', colour: 'blue', vehicle: { ownerId: 'resident-7', kind: 'resident', validUntil: null }, ts: t0 });
    const rows = ctx.outbox.takeBatch(10).filter((r) => r.kind === 'plate.recognized');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ plate: '京A88731', known: true, reads: 2 });
    const snaps = readdirSync(join(dir, 'snapshots'));
    expect(snaps).toContain(`${events[0]!.snapshotId}.jpg`);
    expect(snaps).toContain(`${events[0]!.snapshotId}-crop.jpg`);
    // A settled car standing still is not read again.
    await room.onFrame(frame(t0 + 400));
    await room.onFrame(frame(t0 + 600));
    expect(events).toHaveLength(1);
  });

  it('consumes a frame source until stopped', async () => {
    const img = await decodeImage(SCENE);
    const seen: string[] = [];
    ctx.bus.on('plate.recognized', (e) => void seen.push(e.cameraId));
    let closed = false;
    async function* frames() {
      for (let i = 0; i < 2; i++) yield { cameraId: 'gate-2', ts: Date.now(), width: img.width, height: img.height, data: img.data };
    }
    const it = frames();
    room.consume({ subscribe: () => Object.assign(it, { close: () => void (closed = true) }) });
    await ctx.bus.waitFor('plate.recognized', (e) => e.cameraId === 'gate-2', 60_000);
    await room.stop();
    expect(closed).toBe(true);
    expect(seen).toContain('gate-2');
  });
});
