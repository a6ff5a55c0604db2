import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsPrepared } from '../../lib/inference/models.js';
import { DET_FILE } from './detector.js';
import { REC_FILE, REC_KEYS } from './recognizer.js';
import { readerOptions } from './reader-options.js';
import { parseConfig } from '../../config/load.js';

const run = promisify(execFile);
const BIN = resolve('scripts/sharpeyes.mjs');
const DATA = resolve('../shared/datasets/plates');
const SCENE = join(DATA, 'full/easypr__京A88731.jpg');
const CROP = join(DATA, 'crops/lprnet__皖A0V788.jpg');
const models = modelsPrepared([DET_FILE, REC_FILE, REC_KEYS]);
const data = existsSync(SCENE) && existsSync(CROP);
if (!models || !data) console.warn('sharpeyes plate/eval CLI tests skipped: need `npm run models` and ../shared/datasets/plates');

async function sharpeyes(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sharpeyes vehicles --offline (CLI on a real database)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vehicles-cli-'));
    writeFileSync(join(dir, 'c.yaml'), `node:\n  id: t\n  dataDir: ${join(dir, 'data')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds, lists and removes vehicles, refusing bad input readably', async () => {
    const c = ['--offline', '-c', join(dir, 'c.yaml')];
    expect((await sharpeyes(['vehicles', 'add', '粤B·D12345', '--owner', 'r-1', ...c])).code).toBe(0);
    expect(
      (await sharpeyes(['vehicles', 'add', '湘A12345', '--owner', 'h-1', '--visitor', '--until', '2099-01-01T00:00:00Z', ...c])).code,
    ).toBe(0);
    const bad = await sharpeyes(['vehicles', 'add', '湘A12345', '--owner', 'h-1', '--visitor', ...c]);
    expect(bad.code).toBe(2); // invalid input is a usage error (exit codes: gateway/cli/command.ts)
    expect(bad.stderr).toMatch(/visitor vehicle needs validUntil/);
    const notPlate = await sharpeyes(['vehicles', 'add', 'HELLO', '--owner', 'x', ...c]);
    expect(notPlate.stderr).toMatch(/not a valid Chinese plate/);
    const list = await sharpeyes(['vehicles', 'list', '--json', ...c]);
    expect(JSON.parse(list.stdout).map((v: { plate: string }) => v.plate)).toEqual(['湘A12345', '粤BD12345']);
    expect((await sharpeyes(['vehicles', 'remove', '湘A12345', ...c])).stdout).toMatch(/removed/);
    expect((await sharpeyes(['vehicles', 'remove', '湘A12345', ...c])).stderr).toMatch(/no known vehicle/);
    const usage = await sharpeyes(['vehicles', 'frobnicate', ...c]);
    expect(usage.code).toBe(2);
  });
});

describe.skipIf(!models)('sharpeyes plate (CLI, real models)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plate-cli-'));
    writeFileSync(join(dir, 'zero.jpg'), '');
    writeFileSync(join(dir, 'text.jpg'), 'this is not an image\n');
    // A PNG header claiming 20000x10 pixels (refused before decoding).
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200004e200000000a0802000000', 'hex');
    writeFileSync(join(dir, 'wide.png'), Buffer.concat([png, Buffer.from('00000000', 'hex')]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses bad images one readable line each, without crashing, and exits 1', async () => {
    const r = await sharpeyes(['plate', join(dir, 'zero.jpg'), join(dir, 'text.jpg'), join(dir, 'wide.png'), join(dir, 'missing.jpg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/zero\.jpg: empty file \(0 bytes\)/);
    expect(r.stderr).toMatch(/text\.jpg: not an image/);
    expect(r.stderr).toMatch(/wide\.png: (image too large|truncated or corrupt|cannot decode)/);
    expect(r.stderr).toMatch(/missing\.jpg: file not found/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  });

  it.skipIf(!data)('reads a real scene and a real crop as JSON lines', async () => {
    const trunc = join(dir, 'trunc.jpg');
    writeFileSync(trunc, readFileSync(SCENE).subarray(0, 4000));
    const r = await sharpeyes(['plate', SCENE, CROP, trunc]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; plate: string | null; colour: string; confidence: number; box: { width: number } });
    const scene = lines.find((l) => l.file === SCENE);
    expect(scene).toMatchObject({ plate: '京A88731', colour: 'blue' });
    expect(scene!.confidence).toBeGreaterThan(0.8);
    expect(scene!.box.width).toBeGreaterThan(50);
    expect(lines.find((l) => l.file === CROP)).toMatchObject({ plate: '皖A0V788' });
    expect(lines.find((l) => l.file === trunc)).toBeDefined(); // read as far as it decodes
    expect(r.stderr).toMatch(/trunc\.jpg: truncated/);
  });

  it.skipIf(!data)('evaluates any folder of the dataset layout (manifest in the parent)', async () => {
    const root = join(dir, 'ds');
    mkdirSync(join(root, 'plates/full'), { recursive: true });
    mkdirSync(join(root, 'plates/crops'), { recursive: true });
    copyFileSync(SCENE, join(root, 'plates/full/s1.jpg'));
    copyFileSync(CROP, join(root, 'plates/crops/c1.jpg'));
    writeFileSync(
      join(root, 'MANIFEST.tsv'),
      'path\tlabel\tsource_repo\tsource_path\tlicence\tlabel_method\tsplit_group\tnotes\n' +
        'plates/full/s1.jpg\t京A88731\tx\tx\tx\tx\tg1\tcolour=blue\nplates/crops/c1.jpg\t皖A0V788\tx\tx\tx\tx\tg2\t\n',
    );
    const r = await sharpeyes(['eval', 'plates', join(root, 'plates'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(report).toMatchObject({ scenes: 1, crops: 1, scene_top1: 1, scene_exact: 1, crop_exact: 1, char_accuracy: 1 });
    expect(report.per_colour_scenes.blue).toEqual({ n: 1, exact: 1, top1: 1 });
    expect(report.per_class_scenes).toEqual({ blue: { n: 1, exact: 1, top1: 1 } });
    expect(report.per_class_crops).toEqual({ blue: { n: 1, exact: 1, top1: 1 } });
    expect(Object.values(report.scene_failures).reduce((a: number, b) => a + (b as number), 0)).toBe(0);
    expect(report.ms_p50).toBeGreaterThan(0);
    // The reader is the daemon's: its options come from the plates config, floor included.
    const daemon = parseConfig('', { source: 'test', baseDir: dir }).config.plates;
    expect(report.reader).toMatchObject(readerOptions(daemon));
    writeFileSync(join(dir, 'strict.yaml'), 'plates:\n  minConfidence: 0.9999\n  longSide: 640\n');
    const strict = await sharpeyes(['eval', 'plates', join(root, 'plates'), '--json', '--config', join(dir, 'strict.yaml')]);
    const strictReport = JSON.parse(strict.stdout.trim().split('\n').pop()!);
    expect(strictReport.reader).toMatchObject({ minConfidence: 0.9999, longSide: 640 });
    expect(strictReport.scene_top1).toBe(0); // no read is that sure
    expect(strictReport.scene_failures).toMatchObject({ no_read: 1 });
    const bad = await sharpeyes(['eval', 'plates', join(dir, 'nowhere')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no MANIFEST\.tsv/);
  });
});
