/**
 * The one validation path: a config file (or the embedded defaults) becomes a checked config,
 * or every problem found is reported at once. The daemon (`sharpeyes start`), `sharpeyes config
 * check` and `sharpeyes doctor` call it, and nothing else checks config: rooms read what was
 * checked. In order:
 * 1. YAML, migrations of older versions (a note per moved or removed key), environment
 *    overrides, the schema (config/load.ts);
 * 2. the demo's settings where the config leaves them to the defaults (demo/profile.ts), so the
 *    check sees what the daemon will run;
 * 3. cross-references and device profiles (config/references.ts);
 * 4. the uplinks' files, secrets and ids (cloud-bridge/config-rules.ts).
 * It lives beside the composition root because it gathers the rules of every room.
 */
import { loadConfig, type LoadedConfig } from './config/load.js';
import { ConfigError } from './config/errors.js';
import { checkReferences } from './config/references.js';
import { applyDemoProfile } from './rooms/demo/profile.js';
import { uplinkConfigFindings } from '../cloud-bridge/config-rules.js';

/** A config that passed every check; what the controller is built from. */
export type CheckedConfig = LoadedConfig & {
  /** What the daemon starts with but should be told: options that have no effect or are less safe. */
  readonly warnings: readonly string[];
  /** Only checkConfig sets it, so a Controller cannot be built from an unchecked config. */
  readonly checked: true;
};

/**
 * Checks a loaded config: throws one ConfigError listing every error (schema errors were already
 * listed by the loader), or returns it with the demo's settings applied and the warnings.
 */
export function checkConfig(loaded: LoadedConfig): CheckedConfig {
  const withDemo: LoadedConfig = { ...loaded, config: applyDemoProfile(loaded.config, loaded.raw) };
  const references = checkReferences(withDemo.config, { baseDir: withDemo.baseDir });
  const uplinks = uplinkConfigFindings(withDemo);
  const errors = [...references.errors, ...uplinks.errors];
  if (errors.length) throw new ConfigError(loaded.source, errors);
  return { ...withDemo, warnings: [...references.warnings, ...uplinks.warnings], checked: true };
}

/** Loads a config file (or the embedded defaults when `file` is undefined) and checks it. */
export function loadCheckedConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): CheckedConfig {
  return checkConfig(loadConfig(file, env));
}
