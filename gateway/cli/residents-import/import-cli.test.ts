import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../store/database.js';
import { faceModelsPrepared } from '../../rooms/faces/models.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FACES = resolve(ROOT, '../shared/datasets/faces');
const PHOTOS = {
  obama: join(FACES, 'obama/fr_obama.jpg'),
  biden: join(FACES, 'biden/fr_biden.jpg'),
  noface: join(FACES, '_noface/cf_landscape.jpg'),
};
const faces = faceModelsPrepared() && Object.values(PHOTOS).every((p) => existsSync(p));
if (!faces) console.warn(`residents import with real faces skipped: need \`npm run models\` and ${FACES}`);

let dir: string;
const config = () => join(dir, 'c.yaml');
function cli(args: string[], lang: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' };
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/sharpeyes.mjs'), ...args],
      { cwd: ROOT, env, timeout: 180_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
const importCsv = (csv: string, lang: string, ...extra: string[]) =>
  cli(['residents', 'import', csv, '--photos', join(dir, 'photos'), '--offline', '-c', config(), ...extra], lang);
const auditRows = () => {
  const db = new Database(join(dir, 'data/gateway.db'));
  try {
    return db.prepare<{ action: string; channel: string; ok: number }>('SELECT action, channel, ok FROM audit_log ORDER BY ts').all();
  } finally {
    db.close();
  }
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'residents-import-'));
  mkdirSync(join(dir, 'photos'));
  writeFileSync(join(dir, 'c.yaml'), `node:\n  id: import-test\n  dataDir: ${join(dir, 'data')}\n`);
  writeFileSync(join(dir, 'secret.txt'), 'not a photo');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharpeyes residents import: rows refused before any photo is read', { timeout: 240_000 }, () => {
  it('refuses every bad row with its line and why, in Chinese by default and in English with LANG=en', async () => {
    // A GBK file, as Excel on a Chinese Windows saves "CSV", with Chinese headers and an extra column.
    const csv = join(dir, 'gbk.csv');
    const text = [
      '编号,姓名,类型,照片,失效时间,被访住户,备注',
      'bad id!,某人,住户,a.jpg,,,',
      'r-1,,住户,a.jpg,,,',
      'r-2,张伟,租客,a.jpg,,,',
      'v-1,访客甲,访客,a.jpg,明天,r-9,',
      'r-3,李娜,住户,../secret.txt,,,',
      'r-4,王芳,住户,missing.jpg,,,',
      'r-5,赵六,住户,,,,',
      'r-5,赵六,住户,,,,',
    ].join('\r\n');
    writeFileSync(csv, encodeGbk(text));

    const zh = await importCsv(csv, 'zh_CN.UTF-8');
    expect(zh.code).toBe(1);
    expect(zh.stderr).toContain('忽略不认识的列：备注');
    expect(zh.stderr).toMatch(/^8\/8 第 9 行 r-5: 拒绝：编号与第 8 行重复$/m);
    expect(zh.stdout.split('\n')).toEqual([
      '共 8 行：写入 0，已是最新 0，版本较旧 0，拒绝 8',
      '未写入的行：',
      '  第 2 行 bad id!: 拒绝：编号 "bad id!" 不合格：只能用字母、数字、"_"、"-"、"."，最多 64 个字符',
      '  第 3 行 r-1: 拒绝：缺少姓名 (name)',
      '  第 4 行 r-2: 拒绝：类型 "租客" 不认识：填 住户 或 访客 (resident / visitor)',
      '  第 5 行 v-1: 拒绝：失效时间 (validUntil) "明天" 不是时间：例如 2026-11-24 18:00 或 2026-11-24T18:00:00+08:00',
      '  第 6 行 r-3: 拒绝：照片 ../secret.txt 不在 --photos 文件夹内，拒绝读取',
      '  第 7 行 r-4: 拒绝：照片文件 missing.jpg 不存在',
      '  第 8 行 r-5: 拒绝：内容不合格：r-5 has no face on this box: a new person is enrolled from photos',
      '  第 9 行 r-5: 拒绝：编号与第 8 行重复',
      '',
    ]);

    const en = await importCsv(csv, 'en_US.UTF-8');
    expect(en.code).toBe(1);
    expect(en.stdout).toMatch(/^8 rows: 0 applied, 0 already there, 0 stale, 8 refused$/m);
    expect(en.stdout).toContain('  line 6 r-3: refused: photo ../secret.txt is outside the --photos folder: not read');
    expect(en.stdout).toContain('  line 8 r-5: refused: invalid_input: r-5 has no face on this box');

    // The one row that reached the box (once per run) went through the audited action table, as the CLI's user.
    expect(auditRows()).toEqual([
      { action: 'residents/upsert', channel: 'cli', ok: 0 },
      { action: 'residents/upsert', channel: 'cli', ok: 0 },
    ]);
  });

  it('refuses a file that is not a residents CSV before sending anything (exit 2)', async () => {
    const csv = join(dir, 'nohead.csv');
    writeFileSync(csv, 'r-1,张伟,a.jpg\n');
    const zh = await importCsv(csv, 'zh_CN.UTF-8');
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain('的表头缺少 编号 (id)、姓名 (name) 列');
    const open = join(dir, 'open.csv');
    writeFileSync(open, 'id,name\nr-1,"张伟\n');
    const en = await importCsv(open, 'en');
    expect(en.code).toBe(2);
    expect(en.stderr).toContain('line 2 is not valid CSV: a quoted field opened on line 2 is never closed');
  });
});

describe.skipIf(!faces)('sharpeyes residents import: real faces', { timeout: 600_000 }, () => {
  it('enrols residents and a visitor, refuses a photo without a face by its file name, and a re-run sends nothing', async () => {
    copyFileSync(PHOTOS.obama, join(dir, 'photos/obama.jpg'));
    copyFileSync(PHOTOS.biden, join(dir, 'photos/biden.jpg'));
    copyFileSync(PHOTOS.noface, join(dir, 'photos/landscape.jpg'));
    writeFileSync(join(dir, 'photos/broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a]));
    const csv = join(dir, 'faces.csv');
    writeFileSync(
      csv,
      '\ufeffid,name,kind,photo,validUntil,hostId,version,楼栋,房号,电话\n' +
        'p-obama,Barack Obama,resident,obama.jpg,,,3,3,1502,138 0013 8000\n' +
        'p-biden,Joe Biden,resident,biden.jpg,,,1,,,\n' +
        'p-guest,Guest,visitor,biden.jpg,2099-01-01 18:00,p-obama,1,,,\n' +
        'p-land,Landscape,resident,landscape.jpg,,,1,,,\n' +
        'p-broken,Broken,resident,broken.jpg;obama.jpg,,,1,,,\n',
    );
    const first = await importCsv(csv, 'en_US.UTF-8', '--json');
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/^1\/5 line 2 p-obama: applied \(version 3\)$/m);
    const report = JSON.parse(first.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ rows: 5, applied: 4, unchanged: 0, stale: 0, refused: 1, interrupted: false });
    expect(report.notApplied).toEqual([
      expect.objectContaining({
        line: 5,
        id: 'p-land',
        boxCode: 'photo_refused',
        error: expect.stringMatching(/landscape\.jpg: no face found/),
      }),
    ]);
    // Several photos: the usable one is kept, the refused one is named with why.
    expect(first.stderr).toMatch(/^5\/5 line 6 p-broken: applied \(version 1\); photos not used: broken\.jpg: .+$/m);

    const list = await cli(['residents', 'list', '--json', '-c', config()], 'en');
    const people = JSON.parse(list.stdout) as Array<{
      id: string;
      kind: string;
      version: number;
      hostId: string | null;
      templates: number;
    }>;
    expect(people.find((p) => p.id === 'p-obama')).toMatchObject({
      building: '3',
      unit: null,
      room: '1502',
      phone: '138 0013 8000',
      hasThumbnail: true,
    });
    expect(people.find((p) => p.id === 'p-broken')).toMatchObject({ templates: 1 });
    expect(people.map((p) => [p.id, p.kind, p.version]).sort()).toEqual([
      ['p-biden', 'resident', 1],
      ['p-broken', 'resident', 1],
      ['p-guest', 'visitor', 1],
      ['p-obama', 'resident', 3],
    ]);

    // Run again (an interrupted import is simply run again): what is there is not sent again.
    const again = await importCsv(csv, 'zh_CN.UTF-8');
    expect(again.stdout.split('\n')[0]).toBe('共 5 行：写入 0，已是最新 4，版本较旧 0，拒绝 1');
    expect(auditRows().filter((r) => r.ok === 1)).toHaveLength(4);
  });
});

/** GBK bytes of a text of ASCII and the few Chinese characters the test uses (no GBK encoder in Node). */
function encodeGbk(text: string): Buffer {
  const decoder = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  for (let hi = 0xb0; hi <= 0xf7; hi++)
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = decoder.decode(Uint8Array.of(hi, lo));
      if (!table.has(ch)) table.set(ch, [hi, lo]);
    }
  const bytes: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else {
      const code = table.get(ch);
      if (!code) throw new Error(`no GBK code for ${ch} in the test's table`);
      bytes.push(...code);
    }
  }
  return Buffer.from(bytes);
}
