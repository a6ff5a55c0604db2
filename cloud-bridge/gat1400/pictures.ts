import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSnapshotId } from '../../gateway/lib/snapshots/retention.js';
import { probeImage } from '../../gateway/lib/imaging/image.js';
import type { Picture, PictureRef } from './mapping.js';
import { errCode, errMessage } from '../../gateway/core/errors.js';

/** Pictures larger than this are not attached (a JPEG of a 4K frame is well under). */
const MAX_PICTURE_BYTES = 4 * 1024 * 1024;

/**
 * Reads the snapshots a record refers to from the snapshot folder (`<id>.jpg`, `<id>.crop.jpg`),
 * by the ids its event carries. A picture already deleted by the snapshot retention, unreadable
 * or too large is left out (the record is sent without it) and named in `missing`.
 */
export async function loadPictures(dir: string, refs: readonly PictureRef[]): Promise<{ pictures: Picture[]; missing: string[] }> {
  const pictures: Picture[] = [];
  const missing: string[] = [];
  for (const ref of refs) {
    // Only ids the snapshot store writes: an event cannot name another file.
    if (!parseSnapshotId(ref.snapshotId)) {
      missing.push(`${ref.snapshotId}: not a snapshot id`);
      continue;
    }
    const path = join(dir, `${ref.snapshotId}${ref.crop ? '.crop' : ''}.jpg`);
    try {
      const jpeg = await readFile(path);
      if (jpeg.length > MAX_PICTURE_BYTES) throw new Error(`${jpeg.length} bytes`);
      const { width, height, format } = await probeImage(jpeg);
      if (format !== 'jpeg') throw new Error(`a ${format}, not a JPEG`);
      pictures.push({ ref, data: jpeg.toString('base64'), width, height });
    } catch (err) {
      missing.push(`${ref.snapshotId}${ref.crop ? ' (crop)' : ''}: ${errCode(err) ?? errMessage(err)}`);
    }
  }
  return { pictures, missing };
}
