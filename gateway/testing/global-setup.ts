/**
 * Vitest global set-up: every test run gets one temporary folder, handed to the workers (and the
 * peers they spawn) as TMPDIR, and removed when the run ends, so tests that make scratch folders
 * with os.tmpdir() leave nothing behind in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sharpeyes-tests-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  };
}
