/**
 * Reading a labelled plate folder laid out like ../shared/datasets/plates: scenes under
 * `full/`, crops under `crops/`, labels in MANIFEST.tsv (in the folder or its parent, with paths
 * relative to the folder holding the manifest). Pure parsing plus one directory lookup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { normalisePlate } from '../../lib/plate-text/grammar.js';

export type PlateColour = 'blue' | 'yellow' | 'green' | 'white' | 'black';
export const COLOURS: readonly PlateColour[] = ['blue', 'yellow', 'green', 'white', 'black'];

export interface LabelledImage {
  /** Absolute path. */
  path: string;
  kind: 'scene' | 'crop';
  plate: string;
  colour: PlateColour | 'unknown';
  splitGroup: string;
}

/** Colour stated in a manifest note ("colour=yellow", "green new-energy (8 chars); ..."). */
export function colourFromNotes(notes: string): PlateColour | 'unknown' {
  const m = /colou?r\s*=\s*([a-z]+)/i.exec(notes) ?? /^\s*(blue|yellow|green|white|black)\b/i.exec(notes);
  const c = m?.[1]?.toLowerCase();
  return c && (COLOURS as readonly string[]).includes(c) ? (c as PlateColour) : 'unknown';
}

/** Parses MANIFEST.tsv text; keeps the rows under `prefix` (e.g. "plates/") in `full/` or `crops/`. */
export function parseManifest(text: string, root: string, prefix: string): LabelledImage[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  const col = (name: string) => header.indexOf(name);
  const [iPath, iLabel, iGroup, iNotes] = [col('path'), col('label'), col('split_group'), col('notes')];
  if (iPath < 0 || iLabel < 0) throw new Error('MANIFEST.tsv has no path/label columns');
  const out: LabelledImage[] = [];
  for (const line of lines) {
    const f = line.split('\t');
    const rel = f[iPath] ?? '';
    if (!rel.startsWith(prefix)) continue;
    const inner = rel.slice(prefix.length);
    const kind = inner.startsWith('full/') ? 'scene' : inner.startsWith('crops/') ? 'crop' : undefined;
    if (!kind) continue;
    out.push({
      path: join(root, rel),
      kind,
      plate: normalisePlate(f[iLabel] ?? ''),
      colour: colourFromNotes(iNotes >= 0 ? (f[iNotes] ?? '') : ''),
      splitGroup: (iGroup >= 0 ? f[iGroup] : undefined) || rel,
    });
  }
  return out;
}

/** Finds MANIFEST.tsv in `dir` or its parent and returns the rows for the images in `dir`. */
export function loadPlateDataset(dir: string): LabelledImage[] {
  const abs = resolve(dir);
  for (const root of [abs, dirname(abs)]) {
    const manifest = join(root, 'MANIFEST.tsv');
    if (!existsSync(manifest)) continue;
    const rel = relative(root, abs).split(sep).join('/');
    const prefix = rel === '' ? '' : `${rel}/`;
    const rows = parseManifest(readFileSync(manifest, 'utf8'), root, prefix);
    if (rows.length === 0) throw new Error(`${manifest} lists no images under ${prefix || './'}full/ or ${prefix || './'}crops/`);
    return rows;
  }
  throw new Error(
    `no MANIFEST.tsv in ${abs} or ${dirname(abs)} (expected columns path, label, split_group, notes; scenes under full/, crops under crops/)`,
  );
}

export function describeImage(img: LabelledImage): string {
  return `${img.kind}/${basename(img.path)}`;
}
