import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, parseDocument, YAMLParseError } from 'yaml';
import { configJsonSchema, configSchema, type GatewayConfig } from './schema.js';
import { ConfigError, formatIssues } from './errors.js';
import { redactValue, registerSecret, registerUrlSecrets } from '../core/redact.js';
import { migrateConfig, type RawConfig } from './migrations/index.js';
import { errMessage } from '../core/errors.js';

export interface LoadedConfig {
  config: GatewayConfig;
  /** This box's id (config `node.id`, or the sanitised host name). */
  nodeId: string;
  /** Relative paths in the config are resolved against this folder. */
  baseDir: string;
  /** Where the config came from, for messages. */
  source: string;
  /** The format version the file was written in (older files are upgraded at load). */
  fileVersion: number;
  /** What the upgrade from an older version changed, one line each (empty for a current file). */
  migrationNotes: string[];
  /** The document as upgraded, before defaults (what `config migrate --write` writes back). */
  migrated: RawConfig;
  /** The document as written, upgraded and with environment overrides, to tell given settings from defaults. */
  raw: RawConfig;
}

export const ENV_PREFIX = 'SHARPEYES__';

/**
 * Environment overrides: SHARPEYES__CLOUD__URL=mqtt://... sets cloud.url. Levels are separated
 * by a double underscore; names match case-insensitively against the schema's keys as written
 * (camelCase keys: SHARPEYES__NODE__DATADIR). The value is parsed as a YAML scalar, so numbers
 * and booleans keep their types.
 */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const parts = name.slice(ENV_PREFIX.length).split('__').filter(Boolean);
    if (parts.length === 0) continue;
    let node: Record<string, unknown> = raw;
    const keys: string[] = [];
    parts.forEach((part, i) => {
      const existing = Object.keys(node).find((k) => k.toLowerCase() === part.toLowerCase());
      const key = existing ?? camelFromEnv(part);
      keys.push(key);
      if (i === parts.length - 1) {
        node[key] = parseScalar(value);
      } else {
        const next = node[key];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    });
    applied.push(keys.join('.'));
  }
  return applied;
}

/** Every key name the schema knows, so an upper-case env level maps back to its camelCase key. */
const SCHEMA_KEYS: ReadonlyMap<string, string> = (() => {
  const keys = new Map<string, string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const o = node as Record<string, unknown>;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) keys.set(k.toLowerCase(), k);
    Object.values(o).forEach(visit);
  };
  visit(configJsonSchema());
  return keys;
})();
function camelFromEnv(part: string): string {
  return SCHEMA_KEYS.get(part.toLowerCase()) ?? part.toLowerCase();
}

function parseScalar(value: string): unknown {
  try {
    const v: unknown = parseYaml(value);
    return v === null || typeof v === 'object' ? value : v;
  } catch {
    return value;
  }
}

/** Parses and validates a config document. Throws ConfigError with one line per fault. */
export function parseConfig(text: string | undefined, opts: { source: string; baseDir: string; env?: NodeJS.ProcessEnv }): LoadedConfig {
  let raw: unknown = {};
  if (text !== undefined && text.trim() !== '') {
    try {
      const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'silent' });
      if (doc.errors[0]) throw doc.errors[0];
      // A tag the loader does not know (`!!js/function`, a typo'd `!simulate`) would be read as
      // a plain string with a warning on stderr: refused like any other mistake in the file.
      if (doc.warnings.length)
        throw new ConfigError(
          opts.source,
          doc.warnings.map((w) => {
            const pos = w.linePos?.[0];
            return `YAML${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${w.message.split('\n')[0]}`;
          }),
        );
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      if (err instanceof YAMLParseError) {
        const pos = err.linePos?.[0];
        throw new ConfigError(opts.source, [
          `YAML syntax${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0]}`,
        ]);
      }
      // The yaml package refuses alias bombs and aliases to unknown anchors with a bare
      // ReferenceError: the file is at fault, so it is a config error like any other.
      if (err instanceof ReferenceError) throw new ConfigError(opts.source, [`YAML aliases: ${err.message}`]);
      throw err;
    }
  }
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(opts.source, [
      `(top level): got ${JSON.stringify(raw)}, expected a mapping of sections (node, cloud, cameras, ...)`,
    ]);
  }
  let migrated: ReturnType<typeof migrateConfig>;
  try {
    migrated = migrateConfig(raw as RawConfig);
  } catch (err) {
    throw new ConfigError(opts.source, [errMessage(err)]);
  }
  const doc = structuredClone(migrated.doc);
  const overridden = applyEnvOverrides(doc, opts.env ?? process.env);
  // Passwords written into URLs (a camera's rtsp://user:password@) are masked wherever they appear.
  registerUrlSecrets(doc);
  const result = configSchema.safeParse(doc, { reportInput: true });
  if (!result.success) {
    const lines = formatIssues(result.error.issues);
    if (overridden.length) lines.push(`(environment overrides applied: ${overridden.join(', ')})`);
    throw new ConfigError(opts.source, lines);
  }
  const config = result.data;
  const nodeId = config.node.id ?? sanitiseNodeId(hostname());
  return {
    config,
    nodeId,
    baseDir: opts.baseDir,
    source: opts.source,
    fileVersion: migrated.from,
    migrationNotes: migrated.notes,
    migrated: migrated.doc,
    raw: doc,
  };
}

/** Loads the config file (or the embedded defaults when `file` is undefined). */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (file === undefined) return parseConfig(undefined, { source: 'embedded defaults', baseDir: process.cwd(), env });
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`cannot read the config file: ${errMessage(err)}`]);
  }
  return parseConfig(text, { source: path, baseDir: dirname(path), env });
}

export function sanitiseNodeId(name: string): string {
  const id = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64);
  return id || 'sharpeyes';
}

/** Resolves a path from the config against the config file's folder. */
export function resolveConfigPath(loaded: Pick<LoadedConfig, 'baseDir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(loaded.baseDir, p);
}

/**
 * Reads a secret from a file named in the config (passwords are never inline). Trailing newlines
 * are removed; a file readable by others is refused, as ssh does with keys.
 */
export function readSecretFile(loaded: Pick<LoadedConfig, 'baseDir'>, p: string, what: string): string {
  const path = resolveConfigPath(loaded, p);
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    throw new ConfigError(path, [`${what}: cannot read secret file: ${errMessage(err)}`]);
  }
  if (mode & 0o004)
    throw new ConfigError(path, [
      `${what}: secret file is readable by every user (mode ${(mode & 0o777).toString(8)}); chmod 600 or 640 it`,
    ]);
  const secret = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  registerSecret(secret);
  return secret;
}

/** A copy of the config with anything secret-looking replaced, for `config/get` and logs. */
export function redactConfig(value: unknown): unknown {
  return redactValue(value, { byKey: true });
}
