import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rm, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cropRgb, encodeJpeg } from '../imaging/image.js';
import type { Frame, PixelRect } from '../frames/frame.js';
import type { Logger } from '../../core/logger.js';
import { expiredSnapshots, parseSnapshotId, snapshotId, type SnapshotEntry } from './retention.js';

export interface SavedSnapshot {
  id: string;
  /** JPEG of the whole frame. */
  path: string;
  /** JPEG of the crop, when one was asked for. */
  cropPath?: string;
}

/** What other rooms use to attach pictures to their events (by id). */
export interface Snapshots {
  /** Encodes the frame (and the crop) to JPEG. The frame's buffer is copied before this returns. */
  save(frame: Pick<Frame, 'cameraId' | 'width' | 'height' | 'data' | 'ts' | 'seq'>, crop?: PixelRect): Promise<SavedSnapshot>;
  /** Path of a stored snapshot (`crop` for its crop), or undefined if unknown or deleted. */
  pathOf(id: string, crop?: boolean): string | undefined;
}

interface Entry extends SnapshotEntry {
  hasCrop: boolean;
}

/**
 * JPEG snapshots on disk with a retention limit by bytes and age, enforced after every save
 * and by `sweep()` (the room calls it periodically). Files are written to a temporary name and
 * renamed, so a reader never sees half a JPEG; temporary files left by a crash are removed when
 * the store opens.
 */
export class SnapshotStore implements Snapshots {
  private entries: Entry[] = [];
  private readonly byId = new Map<string, Entry>();

  constructor(private readonly ctx: { dir: string; maxBytes: number; maxAgeMs: number; quality: number; log: Logger }) {
    mkdirSync(ctx.dir, { recursive: true });
    const ids = new Map<string, Entry>();
    let swept = 0;
    for (const f of readdirSync(ctx.dir)) {
      if (/^.+\.jpg\.tmp$/.test(f) && parseSnapshotId(f.replace(/(\.crop)?\.jpg\.tmp$/, ''))) {
        rmSync(join(ctx.dir, f), { force: true }); // half written when the daemon stopped
        swept++;
        continue;
      }
      const m = /^(.+?)(\.crop)?\.jpg$/.exec(f);
      if (!m) continue;
      const parsed = parseSnapshotId(m[1] as string);
      if (!parsed) continue;
      const e = ids.get(m[1] as string) ?? { id: m[1] as string, ts: parsed.ts, hasCrop: false, bytes: 0 };
      if (m[2]) e.hasCrop = true;
      try {
        e.bytes += statSync(join(ctx.dir, f)).size;
      } catch {
        // deleted meanwhile
      }
      ids.set(e.id, e);
    }
    if (swept) ctx.log.warn({ files: swept, dir: ctx.dir }, 'removed snapshot files left half written by a crash');
    this.entries = [...ids.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
    for (const e of this.entries) this.byId.set(e.id, e);
  }

  get count(): number {
    return this.entries.length;
  }

  /** Bytes the stored snapshots take on disk. */
  get bytes(): number {
    return this.entries.reduce((n, e) => n + e.bytes, 0);
  }

  async save(frame: Pick<Frame, 'cameraId' | 'width' | 'height' | 'data' | 'ts' | 'seq'>, crop?: PixelRect): Promise<SavedSnapshot> {
    const { width, height } = frame;
    const data = Buffer.from(frame.data.subarray(0, width * height * 3));
    const id = snapshotId(frame.cameraId, frame.ts, frame.seq, randomBytes(4).toString('hex'));
    const img = { width, height, data };
    const full = await encodeJpeg(img, this.ctx.quality);
    const path = join(this.ctx.dir, `${id}.jpg`);
    await this.writeAtomic(path, full);
    const result: SavedSnapshot = { id, path };
    let bytes = full.length;
    if (crop) {
      const jpeg = await encodeJpeg(cropRgb(img, clampRect(crop, width, height)), this.ctx.quality);
      result.cropPath = join(this.ctx.dir, `${id}.crop.jpg`);
      await this.writeAtomic(result.cropPath, jpeg);
      bytes += jpeg.length;
    }
    this.insert({ id, ts: frame.ts, hasCrop: Boolean(crop), bytes });
    await this.sweep();
    return result;
  }

  /** Stores an already encoded JPEG (a camera's own snapshot, or a frame of its main stream). */
  async saveJpeg(cameraId: string, ts: number, jpeg: Buffer): Promise<SavedSnapshot> {
    const id = snapshotId(cameraId, ts, 0, randomBytes(4).toString('hex'));
    const path = join(this.ctx.dir, `${id}.jpg`);
    await this.writeAtomic(path, jpeg);
    this.insert({ id, ts, hasCrop: false, bytes: jpeg.length });
    await this.sweep();
    return { id, path };
  }

  private insert(entry: Entry): void {
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1] as Entry).ts > entry.ts) i--;
    this.entries.splice(i, 0, entry);
    this.byId.set(entry.id, entry);
  }

  pathOf(id: string, crop = false): string | undefined {
    const e = this.byId.get(id);
    if (!e || (crop && !e.hasCrop)) return undefined;
    return join(this.ctx.dir, `${id}${crop ? '.crop' : ''}.jpg`);
  }

  /** Deletes the oldest snapshots over the byte limit or older than the age limit. Returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    const victims = expiredSnapshots(this.entries, { maxBytes: this.ctx.maxBytes, maxAgeMs: this.ctx.maxAgeMs, now });
    if (victims.length === 0) return 0;
    this.entries.splice(0, victims.length);
    for (const v of victims) {
      this.byId.delete(v.id);
      await rm(join(this.ctx.dir, `${v.id}.jpg`), { force: true });
      if (v.hasCrop) await rm(join(this.ctx.dir, `${v.id}.crop.jpg`), { force: true });
    }
    return victims.length;
  }

  private async writeAtomic(path: string, data: Buffer): Promise<void> {
    const tmp = `${path}.tmp`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true }); // a full disk must not leave half a file behind
      throw err;
    }
  }
}

function clampRect(r: PixelRect, width: number, height: number): PixelRect {
  const x = Math.max(0, Math.min(width - 1, Math.round(r.x)));
  const y = Math.max(0, Math.min(height - 1, Math.round(r.y)));
  return {
    x,
    y,
    width: Math.max(1, Math.min(width - x, Math.round(r.width))),
    height: Math.max(1, Math.min(height - y, Math.round(r.height))),
  };
}
