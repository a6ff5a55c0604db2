import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRoom, testContext, type TestContext } from '../../gateway/testing/context.js';
import { encodeJpeg } from '../../gateway/lib/imaging/image.js';
import { snapshotId } from '../../gateway/lib/snapshots/retention.js';
import { Gat1400Room } from '../gat1400/room.js';
import { ViidServer } from './viid-server.js';
import type { UplinkStatus } from '../../gateway/core/uplinks.js';

export const GW = '31010400005030000001';

export interface Setup {
  server: ViidServer;
  ctx: TestContext;
  room: { stop(): Promise<void>; summary(): string[]; uplinkStatus(): UplinkStatus[] };
  dir: string;
  face(i: number, opts?: { picture?: boolean }): Promise<string>;
  plate(i: number): Promise<string>;
}

/**
 * A gateway context with the GA/T 1400 uplink started against `server` (or a new conformance
 * stub), and helpers that append face and plate events with their snapshots; what it starts is
 * undone by `cleanups` (run them in reverse after each test).
 */
export async function setupUplink(
  cleanups: (() => Promise<void> | void)[],
  gat1400: Record<string, unknown> = {},
  server?: ViidServer,
): Promise<Setup> {
  const srv = server ?? new ViidServer({ username: 'gw-user', password: 's3cret' });
  if (!server) {
    await srv.start();
    cleanups.push(() => srv.stop());
  }
  const dir = mkdtempSync(join(tmpdir(), 'gat1400-'));
  writeFileSync(join(dir, 'viid.pw'), 's3cret\n', { mode: 0o600 });
  const snapshots = join(dir, 'snapshots');
  mkdirSync(snapshots);
  const ctx = testContext(
    {
      gat1400: {
        enabled: true,
        url: srv.url,
        deviceId: GW,
        username: 'gw-user',
        passwordFile: 'viid.pw',
        retryMinMs: 100,
        retryMaxMs: 1000,
        requestTimeoutS: 1,
        batchSize: 4,
        strangers: true,
        ...gat1400,
      },
    },
    { dir },
  );
  const room = new Gat1400Room(ctx);
  const stopRoom = await startRoom(ctx, room);
  let stopped = false;
  cleanups.push(async () => {
    if (!stopped) await stopRoom();
    ctx.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  const jpeg = async (name: string, width: number, height: number, crop = false) => {
    const data = Buffer.alloc(width * height * 3, 90);
    writeFileSync(join(snapshots, `${name}${crop ? '.crop' : ''}.jpg`), await encodeJpeg({ width, height, data }));
  };
  const s: Setup = {
    server: srv,
    ctx,
    dir,
    room: {
      summary: () => room.summary(),
      uplinkStatus: () => room.uplinkStatus(),
      stop: async () => {
        stopped = true;
        await stopRoom();
      },
    },
    async face(i, opts = {}) {
      const ts = Date.parse('2026-11-24T07:30:00Z') + i * 1000;
      const id = snapshotId('lane-1', ts, i, 'abcd0001');
      if (opts.picture !== false) await jpeg(id, 64 + i, 80);
      const common = {
        cameraId: 'lane-1',
        trackId: i,
        frames: 3,
        snapshotId: id,
        box: { x1: 10, y1: 20, x2: 74, y2: 100 },
        firstSeen: new Date(ts - 800).toISOString(),
      };
      const kind = i % 5 === 4 ? 'face.unknown' : 'face.recognized';
      const data =
        kind === 'face.recognized'
          ? { ...common, residentId: `r-${i}`, name: '李四', similarity: 0.6, threshold: 0.44 }
          : { ...common, reason: 'below_unknown_threshold', similarity: 0.1, bestResidentId: null };
      return ctx.outbox.append(kind, data, { ts: new Date(ts) }).id;
    },
    async plate(i) {
      const ts = Date.parse('2026-11-24T08:00:00Z') + i * 1000;
      const id = snapshotId('lane-2', ts, i, 'abcd0002');
      await jpeg(id, 320, 180);
      await jpeg(id, 96, 32, true);
      const at = new Date(ts).toISOString();
      return ctx.outbox.append('plate.recognized', {
        cameraId: 'lane-2',
        plate: `粤B${String(10000 + i)}`,
        colour: 'blue',
        confidence: 0.95,
        reads: 2,
        box: { x: 100, y: 100, width: 96, height: 32 },
        known: false,
        vehicle: null,
        snapshotId: id,
        cropId: id,
        at,
        firstSeen: at,
      }).id;
    },
  };
  return s;
}
