/**
 * The demo's assembled assets (`npm run demo-assets`, written under .cache/demo/): two looping H.264
 * scenes and the resident's enrolment photos, listed with their sha256 in demo/manifest.json.
 * The daemon only reads them; nothing is downloaded at run time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errMessage } from '../../core/errors.js';

/** .cache/demo/ at the project root (assembled at set-up, never committed); SHARPEYES_DEMO_DIR overrides it (tests). */
export function demoDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHARPEYES_DEMO_DIR
    ? resolve(env.SHARPEYES_DEMO_DIR)
    : resolve(dirname(fileURLToPath(import.meta.url)), '../../../.cache/demo');
}

export const MANIFEST_VERSION = 1;
export const ASSEMBLE_HINT = 'run `npm run demo-assets` (scripts/setup.sh does) to assemble them';

export interface ManifestFile {
  file: string;
  sha256: string;
}

export interface DemoManifest {
  generatedBy: string;
  version: number;
  /** Hash of what the assets were made from (sources, scenes, cast); a change re-renders them. */
  recipe: string;
  scenes: { door: ManifestFile & { fps: number; durationS: number }; lane: ManifestFile & { fps: number; durationS: number } };
  resident: { id: string; name: string; plate: string; photos: ManifestFile[] };
  unknownPlate: string;
}

export interface DemoAssets {
  dir: string;
  manifest: DemoManifest;
  /** Absolute paths. */
  door: string;
  lane: string;
  residentPhotos: string[];
}

export type DemoAssetsCheck = { ok: true; assets: DemoAssets } | { ok: false; reason: string };

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Reads demo/manifest.json and checks every file it lists is there, whole. */
export function checkDemoAssets(dir = demoDir()): DemoAssetsCheck {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) return { ok: false, reason: `no ${path}` };
  let m: DemoManifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as DemoManifest;
  } catch (err) {
    return { ok: false, reason: `${path} is not JSON: ${errMessage(err)}` };
  }
  if (m.version !== MANIFEST_VERSION || !m.scenes?.door || !m.scenes?.lane || !Array.isArray(m.resident?.photos))
    return { ok: false, reason: `${path} is from another version of the demo` };
  for (const f of [m.scenes.door, m.scenes.lane, ...m.resident.photos]) {
    const p = join(dir, f.file);
    if (!existsSync(p)) return { ok: false, reason: `${p} is missing` };
    if (sha256File(p) !== f.sha256) return { ok: false, reason: `${p} is damaged (sha256 differs from the manifest)` };
  }
  return {
    ok: true,
    assets: {
      dir,
      manifest: m,
      door: join(dir, m.scenes.door.file),
      lane: join(dir, m.scenes.lane.file),
      residentPhotos: m.resident.photos.map((f) => join(dir, f.file)),
    },
  };
}
