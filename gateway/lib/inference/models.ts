import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The models/ folder of this checkout; `npm run models` fills it. */
export const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../models');

/** Absolute path of a prepared model file, or a clear error telling how to prepare it. */
export function modelPath(file: string, dir = MODELS_DIR): string {
  const path = join(dir, file);
  if (!existsSync(path))
    throw new Error(
      `model file ${path} is missing: run \`npm run models\` (it fetches the pinned npm packages listed in models/sources.json)`,
    );
  return path;
}

export function modelsPrepared(files: readonly string[], dir = MODELS_DIR): boolean {
  return files.every((f) => existsSync(join(dir, f)));
}

export function readModelText(file: string, dir = MODELS_DIR): string {
  return readFileSync(modelPath(file, dir), 'utf8');
}
