#!/usr/bin/env node
// `npm run -s bench -- NAME`: runs scripts/bench/NAME.ts through tsx's loader (no build step).
// Each benchmark prints, as its last line, one JSON object with its figures.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const name = process.argv[2];
const names = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.slice(0, -3))
  : [];
if (!name || !names.includes(name)) {
  process.stderr.write(`usage: npm run -s bench -- NAME   (NAME: ${names.join(', ') || 'none yet'})\n`);
  process.exit(2);
}
register();
await import(join(dir, `${name}.ts`));
