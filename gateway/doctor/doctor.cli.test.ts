import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

let dir: string;
function doctor(args: string[], lang: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env = { ...process.env, LANG: lang, LC_ALL: '', LC_MESSAGES: '' };
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/sharpeyes.mjs'), 'doctor', ...args],
      { cwd: ROOT, env, timeout: 120_000 },
      (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A models folder of the manifest's shape: one small model file and its SHA-256 (no real model needed). */
function writeModels(models: string, bytes: Buffer): void {
  mkdirSync(models, { recursive: true });
  writeFileSync(join(models, 'face-embed512.onnx'), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(
    join(models, 'manifest.json'),
    JSON.stringify({ models: [{ name: 'face-embed512', file: 'face-embed512.onnx', sha256, bytes: bytes.length }] }),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  writeModels(join(dir, 'models'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 251)));
  writeFileSync(join(dir, 'good.yaml'), `node:\n  id: doctor-good\n  dataDir: ${join(dir, 'data')}\ndevices: []\naccess:\n  points: []\n`);
  writeFileSync(
    join(dir, 'bad.yaml'),
    [
      'node:',
      '  id: doctor-bad',
      `  dataDir: ${join(dir, 'data')}`,
      'cloud:',
      '  url: mqtts://127.0.0.1:8883',
      '  tls:',
      '    caFile: certs/platform-ca.pem',
      'devices:',
      '  - id: post-1',
      '    profile: alarm-post-lp10-latching',
      '    port: /dev/ttyUSB-doctor-test',
      '  - id: relay-1',
      '    profile: gpio-button-relay',
      '    chip: gpiochip-doctor-test',
      'access:',
      '  points: []',
      '',
    ].join('\n'),
  );
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sharpeyes doctor', { timeout: 180_000 }, () => {
  it('passes on a box with ffmpeg, intact models and nothing else to check, in Chinese by default', async () => {
    const r = await doctor(['-c', join(dir, 'good.yaml'), '--models', join(dir, 'models')], 'zh_CN.UTF-8');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^✔ \[config\] 配置 .*good.yaml 检查通过$/m);
    expect(r.stdout).toMatch(/^✔ \[ffmpeg\] ffmpeg \S+$/m);
    expect(r.stdout).toContain(`✔ [models] 1/1 个模型与 ${join(dir, 'models', 'manifest.json')} 的 SHA-256 一致`);
    expect(r.stdout).toContain('✔ [broker] 使用内置 MQTT 代理（未配置 cloud.url）');
    expect(r.stdout).toMatch(/^✔ \[disk\] 数据库（.*）所在磁盘剩 \d+ MB$/m);
    expect(r.stdout).not.toContain('✘');
    expect(r.code).toBe(0);
  });

  it('fails with a clear line and its fix for a corrupted model, a missing serial port or GPIO chip and an unreadable CA, in English with LANG=en', async () => {
    const models = join(dir, 'models-corrupt');
    writeModels(models, Buffer.alloc(4096, 7));
    writeFileSync(join(models, 'face-embed512.onnx'), Buffer.alloc(4096, 8)); // same size, other bytes
    const r = await doctor(['-c', join(dir, 'bad.yaml'), '--models', models], 'en_US.UTF-8');
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const model = at(
      /^✘ \[models\] model file .*face-embed512\.onnx is corrupted or replaced: SHA-256 \w{12}… \(4096 bytes\), the manifest says \w{12}… \(4096 bytes\)$/,
    );
    expect(model).toBeGreaterThanOrEqual(0);
    expect(lines[model + 1]).toBe(
      '    fix: prepare the models again: npm run models (from the pinned npm packages in models/sources.json)',
    );
    const port = at(/^✘ \[devices\] device post-1: serial port \/dev\/ttyUSB-doctor-test does not exist$/);
    expect(port).toBeGreaterThanOrEqual(0);
    expect(lines[port + 1]).toMatch(/^ {4}fix: check the cable .* ls \/dev\/serial\/by-id\//);
    expect(r.stdout).toContain(
      '✘ [devices] device relay-1: GPIO chip /dev/gpiochip-doctor-test does not exist\n    fix: see the chips of this box with ls /dev/gpiochip* and set devices[].chip',
    );
    // The config check (the daemon's own) and the certificate check both find the missing CA.
    expect(r.stdout).toMatch(/^✘ \[config\] config: cloud.tls.caFile: cannot read .*platform-ca.pem: ENOENT/m);
    expect(r.stdout).toContain(`✘ [broker] certificate ${join(dir, 'certs/platform-ca.pem')} (cloud.tls.caFile) cannot be read: ENOENT`);
    expect(lines.at(-2)).toMatch(/^5 problem\(s\), \d+ warning\(s\)$/);

    const json = await doctor(['-c', join(dir, 'bad.yaml'), '--models', models, '--json'], 'zh_CN.UTF-8');
    expect(json.code).toBe(1);
    const findings = (JSON.parse(json.stdout) as { findings: Array<{ check: string; status: string }> }).findings;
    expect(findings.filter((f) => f.status === 'fail').map((f) => f.check)).toEqual(['config', 'models', 'devices', 'devices', 'broker']);
  });
});
