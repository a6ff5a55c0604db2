import { describe, expect, it } from 'vitest';
import { expiredSnapshots, parseSnapshotId, snapshotId } from './retention.js';

describe('snapshot retention', () => {
  const e = (id: string, ts: number, bytes = 100) => ({ id, ts, bytes });
  it('deletes the oldest until the rest fit in the byte limit, and everything older than the age limit', () => {
    const list = [e('a', 0), e('b', 10, 500), e('c', 20), e('d', 30)];
    expect(expiredSnapshots(list, { maxBytes: 250, maxAgeMs: 1000, now: 30 }).map((x) => x.id)).toEqual(['a', 'b']);
    expect(expiredSnapshots(list, { maxBytes: 700, maxAgeMs: 1000, now: 30 }).map((x) => x.id)).toEqual(['a']);
    expect(expiredSnapshots(list, { maxBytes: 10_000, maxAgeMs: 15, now: 30 }).map((x) => x.id)).toEqual(['a', 'b']);
    expect(expiredSnapshots(list, { maxBytes: 10_000, maxAgeMs: 100, now: 30 })).toEqual([]);
  });
  it('makes ids that sort by time, name the camera, and parse back; foreign names are refused', () => {
    const id = snapshotId('gate-cam_1', Date.UTC(2026, 0, 2, 3, 4, 5, 678), 42, 'ab12');
    expect(id).toBe('20260102T030405678Z-gate-cam_1-42-ab12');
    expect(parseSnapshotId(id)).toEqual({ ts: Date.UTC(2026, 0, 2, 3, 4, 5, 678), cameraId: 'gate-cam_1' });
    expect(parseSnapshotId('../../etc/passwd')).toBeUndefined();
    expect(parseSnapshotId('20260102T030405678Z-x-1-AB')).toBeUndefined();
  });
});
