/**
 * `npm run -s docs`: rewrites the generated parts of README.md (between the markers) from the
 * code. `--check` exits 1 if README.md is stale (the test suite runs that check).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigReference } from './config-reference.js';
import { renderActionTable, renderErrorCodes, renderEventTable, renderRenamedSpellings } from './mqtt-reference.js';

export const README = fileURLToPath(new URL('../../README.md', import.meta.url));

const SECTIONS: Record<string, () => string> = {
  'config-reference': renderConfigReference,
  'mqtt-events': renderEventTable,
  'mqtt-actions': renderActionTable,
  'error-codes': renderErrorCodes,
  'renamed-spellings': renderRenamedSpellings,
};

export function regenerate(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(SECTIONS)) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(start);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md lacks the markers ${start} ... ${end}`);
    out = `${out.slice(0, i + start.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const current = readFileSync(README, 'utf8');
  const next = regenerate(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('README.md is stale: run `npm run -s docs`\n');
      process.exit(1);
    }
  } else if (next !== current) {
    writeFileSync(README, next);
    process.stdout.write('README.md updated\n');
  }
}
