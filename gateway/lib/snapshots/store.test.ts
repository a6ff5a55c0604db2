import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../core/logger.js';
import { decodeImage } from '../imaging/image.js';
import { SnapshotStore } from './store.js';
import { snapshotId } from './retention.js';

const dir = mkdtempSync(join(tmpdir(), 'sharpeyes-snapshots-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(ts: number, seq: number) {
  const width = 64,
    height = 48;
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data[i] = 200; // red
  return { cameraId: 'cam-1', width, height, data, ts, seq };
}

describe('SnapshotStore on disk', () => {
  it('writes scene and crop JPEGs, enforces bytes and age, rebuilds its index from the folder and sweeps what a crash left', async () => {
    const log = createLogger({ level: 'silent' });
    const probe = new SnapshotStore({ dir, maxBytes: 1e9, maxAgeMs: 60_000, quality: 80, log });
    const one = (await probe.save(frame(Date.now(), 0))).path;
    const perSnapshot = probe.bytes;
    rmSync(one);
    // Room for three scene snapshots.
    const maxBytes = perSnapshot * 3 + perSnapshot / 2;
    const store = new SnapshotStore({ dir, maxBytes, maxAgeMs: 60_000, quality: 80, log });
    const now = Date.now();
    const a = await store.save(frame(now - 120_000, 1)); // already too old: swept at once
    expect(existsSync(a.path)).toBe(false);
    const b = await store.save(frame(now - 1000, 2), { x: 60, y: 40, width: 20, height: 20 }); // crop clamped to the frame
    const crop = await decodeImage(b.cropPath!);
    expect([crop.width, crop.height]).toEqual([4, 8]);
    const scene = await decodeImage(b.path);
    expect([scene.width, scene.height]).toEqual([64, 48]);
    expect(scene.data[0]).toBeGreaterThan(150);
    for (let i = 3; i <= 5; i++) await store.save(frame(now + i, i));
    expect(store.count).toBe(3);
    expect(store.bytes).toBeLessThanOrEqual(maxBytes);
    expect(existsSync(b.path) || existsSync(b.cropPath!)).toBe(false); // oldest beyond the bytes: both files gone
    writeFileSync(join(dir, 'not-a-snapshot.jpg'), 'x'); // foreign files are left alone
    const halfWritten = `${snapshotId('cam-1', now, 9, 'ff00')}.jpg.tmp`;
    writeFileSync(join(dir, halfWritten), 'half a jpeg'); // a crash between write and rename
    const reopened = new SnapshotStore({ dir, maxBytes, maxAgeMs: 60_000, quality: 80, log });
    expect(reopened.count).toBe(3);
    expect(reopened.bytes).toBe(store.bytes);
    expect(existsSync(join(dir, halfWritten))).toBe(false);
    expect(await reopened.sweep(now + 61_000)).toBe(3); // all older than the age limit by then
    expect(readdirSync(dir)).toEqual(['not-a-snapshot.jpg']);
  });
});
