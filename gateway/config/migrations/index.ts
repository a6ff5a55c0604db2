/**
 * Config file versions. A file says which format it is written in (`version: N`; a file without
 * it is version 1, the format before versions existed). At load, older files are upgraded step
 * by step, in memory, before validation, and each step says what it changed; `sharpeyes config
 * migrate --write` rewrites the file in the current format (keeping a .bak).
 *
 * Adding a version: write `vN.ts` exporting a step from N-1 to N (pure: a plain object in, a
 * plain object and notes out), add it to STEPS, and test it with a file of every older version.
 */
import { toV2 } from './v2.js';
import { toV3 } from './v3.js';
import { toV4 } from './v4.js';
import { toV5 } from './v5.js';

import type { MigrationStep, RawConfig } from './doc.js';

export type { MigrationStep, RawConfig } from './doc.js';

const STEPS: readonly MigrationStep[] = [toV2, toV3, toV4, toV5];

/** The format this version of the gateway writes and reads without migrating. */
export const CONFIG_VERSION = STEPS.reduce((v, s) => Math.max(v, s.to), 1);

/** Upgrades a parsed config document to CONFIG_VERSION. Throws for a version from a newer gateway. */
export function migrateConfig(doc: RawConfig): { doc: RawConfig; from: number; notes: string[] } {
  const declared = doc.version;
  const from = declared === undefined ? 1 : declared;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1)
    throw new Error(`version: got ${JSON.stringify(declared)}, expected a whole number from 1 to ${CONFIG_VERSION}`);
  if (from > CONFIG_VERSION)
    throw new Error(
      `version: ${from} is newer than this gateway understands (${CONFIG_VERSION}); update the gateway or write a version ${CONFIG_VERSION} file`,
    );
  let current: RawConfig = { ...doc };
  const notes: string[] = [];
  for (const step of STEPS) {
    if (step.to <= from) continue;
    const r = step.migrate(current);
    current = r.doc;
    notes.push(...r.notes.map((n) => `version ${step.to - 1} -> ${step.to}: ${n}`));
  }
  current.version = CONFIG_VERSION;
  return { doc: current, from, notes };
}
