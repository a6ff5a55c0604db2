import { readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { profileBase, type DeviceProfile } from './profile-schema.js';
import { checkProfileReferences } from './profile-check.js';
import { respellProfile, respelledWarning } from './profile-spelling.js';
import { formatIssues } from '../../config/errors.js';
import { errMessage } from '../../core/errors.js';

/** A profile file's schema: every field (profile-schema.ts), then the references between them (profile-check.ts). */
const profileSchema = profileBase.superRefine((p, ctx) => {
  for (const problem of checkProfileReferences(p)) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
});

/** The project's own profiles (device-profiles/ at the project root). */
export const PROFILES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../device-profiles');

export class ProfileError extends Error {}

/**
 * Parses and validates one profile document; errors name the file and the path inside it. A file
 * in the spelling before envelope version 2 is read in the new one, with a warning (profile-spelling.ts).
 */
export function readProfile(text: string, source: string): { profile: DeviceProfile; warnings: string[] } {
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new ProfileError(`${source}: YAML syntax: ${errMessage(err).split('\n')[0]}`);
  }
  const { raw, renamed } = respellProfile(parsed);
  const r = profileSchema.safeParse(raw, { reportInput: true });
  if (!r.success)
    throw new ProfileError(
      `${source}: invalid device profile:\n${formatIssues(r.error.issues)
        .map((l) => `  - ${l}`)
        .join('\n')}`,
    );
  return { profile: r.data, warnings: renamed.length > 0 ? [respelledWarning(source, renamed)] : [] };
}

/** readProfile without its warnings (tools and checks that do not report them). */
export function parseProfile(text: string, source: string): DeviceProfile {
  return readProfile(text, source).profile;
}

/** A profile file and the warnings of reading it (the devices room logs them). */
export function readProfileFile(path: string): { profile: DeviceProfile; warnings: string[] } {
  return readProfile(readFileSync(path, 'utf8'), path);
}

export function loadProfileFile(path: string): DeviceProfile {
  return readProfileFile(path).profile;
}

/** Every *.yaml profile of a folder, keyed by file name. */
export function listProfileFiles(dir = PROFILES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * Finds a profile file by model name (a profile in `extraDir` or the project's folder) or by path
 * (anything with a "/" or ending in .yaml, resolved against `baseDir`).
 */
export function resolveProfileFile(ref: string, opts: { baseDir: string; extraDir?: string }): string {
  if (ref.includes('/') || /\.ya?ml$/.test(ref)) return isAbsolute(ref) ? ref : resolve(opts.baseDir, ref);
  for (const dir of [opts.extraDir, PROFILES_DIR]) {
    if (!dir) continue;
    for (const file of listProfileFiles(dir)) if (loadProfileFile(file).model === ref) return file;
  }
  throw new ProfileError(`no device profile with model "${ref}" (looked in ${[opts.extraDir, PROFILES_DIR].filter(Boolean).join(', ')})`);
}

export function resolveProfile(ref: string, opts: { baseDir: string; extraDir?: string }): DeviceProfile {
  return loadProfileFile(resolveProfileFile(ref, opts));
}
