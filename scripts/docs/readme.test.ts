import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { README, regenerate } from './generate.js';

describe('README.md', () => {
  it('has a config reference generated from the current schema (run `npm run -s docs` if this fails)', () => {
    const text = readFileSync(README, 'utf8');
    expect(regenerate(text)).toBe(text);
  });

  it('opens with the two-command quick start', () => {
    const text = readFileSync(README, 'utf8');
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    const commands = quick.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/npx sharpeyes start/);
    expect(commands[1]).toMatch(/^npm test\b/);
  });
});
