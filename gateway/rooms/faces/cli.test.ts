import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceModelsPrepared } from './models.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
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

  it('eval faces works on any folder of the layout, splits by split_group, and ends with one JSON line', async () => {
    const dir = join(dataDir, 'layout');
    const pick = (from: string, n: number) => readdirSync(join(FACES, from)).sort().slice(0, n);
    const link = (from: string, names: string[], to = from) => {
      mkdirSync(join(dir, to), { recursive: true });
      for (const f of names) symlinkSync(join(FACES, from, f), join(dir, to, f));
    };
    link('obama', ['fr_obama.jpg', 'fr_obama_small.jpg', 'fr_obama1.jpg']);
    link('biden', pick('biden', 2));
    link('leonard', pick('leonard', 3));
    link('_unknown', pick('_unknown', 12));
    link('_noface', pick('_noface', 3));
    // fr_obama_small is a crop of the enrolment photo: the same split group, never a probe.
    writeFileSync(
      join(dir, 'MANIFEST.tsv'),
      'path\tlabel\tsplit_group\nobama/fr_obama.jpg\tobama\tportrait\nobama/fr_obama_small.jpg\tobama\tportrait\nobama/fr_obama1.jpg\tobama\tother\n',
    );
    const r = await cli('eval', 'faces', dir, '--json', '--gallery-sizes', '3,10');
    expect(r.code).toBe(0);
    const report = lines(r.stdout).at(-1)!;
    expect(report).toMatchObject({ identities: 3, probes: 4, strangers: 12, noface_false_positives: 0 });
    // The headline is the configured policy (0.472 for a gallery this small), not a fitted threshold.
    expect(report.at_config).toMatchObject({ threshold: 0.472, gallery: 3, rank1: 1, far: 0 });
    // No identity here has 3 enrollable photos in distinct split groups: scale rows say how many they hold.
    expect(report.scale).toEqual([]);
    expect(report.scale_skipped).toEqual(
      [50, 500, 1500, 5000].map((residents) => ({ residents, reason: expect.stringMatching(/no identity has 3 enrollable photos/) })),
    );
    expect((report.fitted as { threshold: number }).threshold).toEqual(expect.any(Number));
    const sizes = report.gallery_sizes as Array<{ gallery: number; gallery_built: number; far: number; stranger_probes: number }>;
    expect(sizes.map((g) => g.gallery)).toEqual([3, 10]);
    expect(sizes[1]!.gallery_built).toBe(10);
    expect(sizes[1]!.stranger_probes).toBe(12); // every stranger probed once, against a gallery without them
    // Without strangers: still the configured policy.
    rmSync(join(dir, '_unknown'), { recursive: true });
    const r2 = await cli('eval', 'faces', dir, '--json', '--gallery-sizes', 'none');
    expect(lines(r2.stdout).at(-1)).toMatchObject({ strangers: 0, fitted: null, at_config: { threshold: 0.472, rank1: 1 } });
  });

  it('eval faces --stream walks the photos up to a camera and reports the gate figures', async () => {
    const dir = join(dataDir, 'layout');
    const r = await cli('eval', 'faces', dir, '--stream', '--json', '--residents', '3', '--queues', '1');
    expect(r.code).toBe(0);
    const { stream } = lines(r.stdout).at(-1) as { stream: Record<string, unknown> };
    expect(stream).toMatchObject({ resident_passages: 5, stranger_passages: 0, queues: 1, wrong_person: 0, queue_missed: 0, far: 0 });
    expect(stream.frr as number).toBeLessThanOrEqual(0.2);
    expect(stream.decision_ms_p95 as number).toBeLessThan(1500);
  });
});
