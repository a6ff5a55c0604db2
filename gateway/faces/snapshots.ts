/**
 * Face crops attached to events, as JPEG files named by id in <dataDir>/snapshots (until the
 * cameras room's shared snapshot store takes over).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { encodeJpeg, type RgbImage } from '../imaging/image.js';

export class FaceSnapshots {
  constructor(private readonly ctx: { dir: string; quality: number }) {}

  /** Saves a crop and returns its id (the file is <dir>/<id>.jpg). */
  async save(img: RgbImage): Promise<string> {
    const id = `face-${ulid()}`;
    await mkdir(this.ctx.dir, { recursive: true });
    await writeFile(join(this.ctx.dir, `${id}.jpg`), await encodeJpeg(img, this.ctx.quality));
    return id;
  }

  path(id: string): string {
    return join(this.ctx.dir, `${id}.jpg`);
  }
}
