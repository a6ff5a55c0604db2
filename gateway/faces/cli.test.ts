import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceModelsPrepared } from './models.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FACES = resolve(ROOT, '../shared/datasets/faces');
const ready = faceModelsPrepared() && existsSync(FACES);
if (!ready) console.warn(`faces CLI tests skipped: need \`npm run models\` and ${FACES}`);

let dataDir: string;
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/sharpeyes.mjs'), ...args],
      { cwd: ROOT, env: { ...process.env, SHARPEYES__NODE__DATADIR: dataDir }, timeout: 120_000 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}
const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe.skipIf(!ready)('sharpeyes residents / identify / eval faces (real photos, real models)', { timeout: 240_000 }, () => {
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'faces-cli-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('enrols one photo, identifies another photo of the same person, and a stranger as null', async () => {
    const add = await cli('residents', 'add', '--name', 'Barack Obama', '--id', 'obama', '--photo', `${FACES}/obama/fr_obama.jpg`);
    expect(add.code).toBe(0);
    expect(lines(add.stdout)[0]).toMatchObject({ added: { id: 'obama', name: 'Barack Obama', templates: 1 } });

    const id = await cli('identify', `${FACES}/obama/fr_obama2.jpg`, `${FACES}/_unknown/cf_009_C.jpg`);
    expect(id.code).toBe(0);
    const [same, stranger] = lines(id.stdout);
    expect(same).toMatchObject({ identity: { id: 'obama', name: 'Barack Obama' } });
    expect(same!.similarity as number).toBeGreaterThan(0.43);
    expect(same!.score as number).toBeGreaterThan(0.9);
    expect(same!.box).toEqual({ x1: expect.any(Number), y1: expect.any(Number), x2: expect.any(Number), y2: expect.any(Number) });
    expect(stranger).toMatchObject({ identity: null });
    expect(stranger!.similarity as number).toBeLessThan(0.43);
  });

  it('refuses a photo without a face (nothing stored), lists, and removes for good', async () => {
    const bad = await cli('residents', 'add', '--name', 'Nobody', '--photo', `${FACES}/_noface/cf_landscape.jpg`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/refused cf_landscape\.jpg: no face found/);
    const list = await cli('residents', 'list', '--json');
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual(['obama']);
    expect((await cli('residents', 'remove', 'obama')).code).toBe(0);
    expect((await cli('residents', 'remove', 'obama')).code).toBe(1);
    const after = await cli('identify', `${FACES}/obama/fr_obama2.jpg`);
    expect(lines(after.stdout)[0]).toMatchObject({ identity: null, similarity: null });
  });

  it('eval faces works on any folder of the layout and ends with one JSON line', async () => {
    const dir = join(dataDir, 'layout');
    const pick = (from: string, n: number) => readdirSync(join(FACES, from)).sort().slice(0, n);
    const link = (from: string, names: string[], to = from) => {
      mkdirSync(join(dir, to), { recursive: true });
      for (const f of names) symlinkSync(join(FACES, from, f), join(dir, to, f));
    };
    link('obama', pick('obama', 3));
    link('biden', pick('biden', 2));
    link('leonard', pick('leonard', 3));
    link('_unknown', pick('_unknown', 12));
    link('_noface', pick('_noface', 3));
    const r = await cli('eval', 'faces', dir, '--json');
    expect(r.code).toBe(0);
    const report = lines(r.stdout).at(-1)!;
    expect(report).toMatchObject({ identities: 3, probes: 5, strangers: 12, rank1: 1, noface_false_positives: 0 });
    for (const key of ['far', 'frr', 'threshold']) expect(typeof report[key]).toBe('number');
    expect(report.threshold_source).toBe('calibrated');
    // Without strangers nothing can be calibrated: figures at the configured threshold.
    rmSync(join(dir, '_unknown'), { recursive: true });
    const r2 = await cli('eval', 'faces', dir, '--json');
    expect(lines(r2.stdout).at(-1)).toMatchObject({ strangers: 0, threshold: 0.44, threshold_source: 'config', rank1: 1 });
  });
});
