/**
 * Reading a face evaluation folder: one sub-folder per identity, plus `_unknown` (strangers,
 * must be rejected), `_noface` (must yield no detection) and `_group` (ignored here). Any other
 * folder starting with "_" is ignored. Files are sorted by name for determinism.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FaceDataset {
  identities: Array<{ name: string; photos: string[] }>;
  strangers: string[];
  noface: string[];
}

const IMAGE = /\.(jpe?g|png|webp|bmp|tiff?)$/i;

function photosIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => IMAGE.test(n))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => statSync(p).isFile());
}

export function readFaceDataset(dir: string): FaceDataset {
  const entries = readdirSync(dir).sort();
  const identities: FaceDataset['identities'] = [];
  for (const name of entries) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    const photos = photosIn(path);
    if (photos.length > 0) identities.push({ name, photos });
  }
  if (identities.length === 0) throw new Error(`${dir}: no identity folders with photos (expected <dir>/<identity>/*.jpg)`);
  return { identities, strangers: photosIn(join(dir, '_unknown')), noface: photosIn(join(dir, '_noface')) };
}
