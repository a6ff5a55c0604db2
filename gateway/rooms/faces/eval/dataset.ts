/**
 * Reading a face evaluation folder: one sub-folder per identity, plus `_unknown` (strangers,
 * must be rejected), `_noface` (must yield no detection) and `_group` (ignored here). Any other
 * folder starting with "_" is ignored. Files are sorted by name for determinism.
 *
 * Each photo carries its split group: photos cut from the same original (a portrait and a crop of
 * it) share one, read from MANIFEST.tsv (`path` relative to the manifest's folder, `split_group`)
 * in DIR or its parent; without a manifest, or for a file it does not list, the group is the file.
 * An enrolment photo's group never provides a probe.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface FacePhoto {
  path: string;
  group: string;
}

export interface FaceDataset {
  identities: Array<{ name: string; photos: FacePhoto[] }>;
  strangers: FacePhoto[];
  noface: string[];
  /** The manifest the split groups came from, or null. */
  manifest: string | null;
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

/** Absolute path -> split group, from MANIFEST.tsv text whose paths are relative to `root`. Pure. */
export function parseSplitGroups(text: string, root: string): Map<string, string> {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  const iPath = header.indexOf('path');
  const iGroup = header.indexOf('split_group');
  const out = new Map<string, string>();
  if (iPath < 0 || iGroup < 0) return out;
  for (const line of lines) {
    const f = line.split('\t');
    const rel = f[iPath];
    const group = f[iGroup];
    if (rel && group) out.set(resolve(root, rel), group);
  }
  return out;
}

function splitGroups(dir: string): { groups: Map<string, string>; manifest: string | null } {
  const abs = resolve(dir);
  for (const root of [abs, dirname(abs)]) {
    const manifest = join(root, 'MANIFEST.tsv');
    if (existsSync(manifest)) return { groups: parseSplitGroups(readFileSync(manifest, 'utf8'), root), manifest };
  }
  return { groups: new Map(), manifest: null };
}

export function readFaceDataset(dir: string): FaceDataset {
  const entries = readdirSync(dir).sort();
  const { groups, manifest } = splitGroups(dir);
  const photo = (path: string): FacePhoto => ({ path, group: groups.get(resolve(path)) ?? `file:${resolve(path)}` });
  const identities: FaceDataset['identities'] = [];
  for (const name of entries) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (!statSync(path).isDirectory()) continue;
    const photos = photosIn(path).map(photo);
    if (photos.length > 0) identities.push({ name, photos });
  }
  if (identities.length === 0) throw new Error(`${dir}: no identity folders with photos (expected <dir>/<identity>/*.jpg)`);
  return { identities, strangers: photosIn(join(dir, '_unknown')).map(photo), noface: photosIn(join(dir, '_noface')), manifest };
}
