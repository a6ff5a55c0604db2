/** Which snapshots to delete: pure, oldest first. */
export interface SnapshotEntry {
  id: string;
  /** ms since the epoch. */
  ts: number;
  /** Bytes on disk (scene and crop). */
  bytes: number;
}

/** The oldest snapshots to delete so that none is older than maxAgeMs and all fit in maxBytes. */
export function expiredSnapshots<T extends SnapshotEntry>(
  entriesOldestFirst: readonly T[],
  policy: { maxBytes: number; maxAgeMs: number; now: number },
): T[] {
  let total = 0;
  for (const e of entriesOldestFirst) total += e.bytes;
  const out: T[] = [];
  for (const e of entriesOldestFirst) {
    if (total <= policy.maxBytes && policy.now - e.ts <= policy.maxAgeMs) break; // oldest first: the rest are younger
    out.push(e);
    total -= e.bytes;
  }
  return out;
}

/** Snapshot ids: <UTC time>-<camera>-<seq>-<random>, sortable by time, safe as a file name. */
export function snapshotId(cameraId: string, ts: number, seq: number, rand: string): string {
  const t = new Date(ts).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${t}-${cameraId}-${seq}-${rand}`;
}

const ID_RE = /^(\d{8}T\d{9}Z)-([A-Za-z0-9_-]{1,64})-(\d+)-([a-z0-9]{1,16})$/;

/** The time encoded in an id, or undefined if it is not one of ours (so a request cannot name other files). */
export function parseSnapshotId(id: string): { ts: number; cameraId: string } | undefined {
  const m = ID_RE.exec(id);
  if (!m) return undefined;
  const s = m[1] as string;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.slice(15, 18)}Z`;
  const ts = Date.parse(iso);
  if (Number.isNaN(ts)) return undefined;
  return { ts, cameraId: m[2] as string };
}
