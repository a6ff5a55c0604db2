/**
 * The ONNX models against models/manifest.json (written by `npm run models`): each file there,
 * of its size and SHA-256. A corrupted or replaced file fails; a missing one fails when its
 * feature is on (faces.enabled for face-*, plates.enabled for text-*), else only warns.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../../config/schema.js';
import { ok, problem, type Finding } from '../finding.js';
import { errMessage } from '../../core/errors.js';

interface ManifestModel {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
}

const REGENERATE = {
  zh: '重新生成模型：npm run models（从 models/sources.json 列出的固定版本 npm 包获取）',
  en: 'prepare the models again: npm run models (from the pinned npm packages in models/sources.json)',
};

function sha256(path: string): Promise<string> {
  return new Promise((done, fail) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (b) => h.update(b))
      .on('error', fail)
      .on('end', () => done(h.digest('hex')));
  });
}

function featureOf(name: string, config: GatewayConfig): { on: boolean; setting: string } {
  if (name.startsWith('face-')) return { on: config.faces.enabled, setting: 'faces.enabled' };
  return { on: config.plates.enabled, setting: 'plates.enabled' };
}

export async function checkModels(dir: string, config: GatewayConfig): Promise<Finding[]> {
  const manifestPath = join(dir, 'manifest.json');
  let models: ManifestModel[];
  try {
    models = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: ManifestModel[] }).models;
    if (!Array.isArray(models)) throw new Error('no "models" list');
  } catch (err) {
    return [
      problem(
        'models',
        'fail',
        { zh: `无法读取 ${manifestPath}：${errMessage(err)}`, en: `cannot read ${manifestPath}: ${errMessage(err)}` },
        REGENERATE,
      ),
    ];
  }
  const out: Finding[] = [];
  let matched = 0;
  for (const m of models) {
    const path = join(dir, m.file);
    if (!existsSync(path)) {
      const f = featureOf(m.name, config);
      out.push(
        problem(
          'models',
          f.on ? 'fail' : 'warn',
          {
            zh: `模型文件缺失：${path}${f.on ? '' : `（${f.setting} 为 false，暂不需要）`}`,
            en: `model file missing: ${path}${f.on ? '' : ` (${f.setting} is false: not needed now)`}`,
          },
          REGENERATE,
        ),
      );
      continue;
    }
    const bytes = statSync(path).size;
    const hash = await sha256(path);
    if (hash === m.sha256 && bytes === m.bytes) matched++;
    else
      out.push(
        problem(
          'models',
          'fail',
          {
            zh: `模型文件 ${path} 已损坏或被替换：SHA-256 ${hash.slice(0, 12)}…（${bytes} 字节），清单要求 ${m.sha256.slice(0, 12)}…（${m.bytes} 字节）`,
            en: `model file ${path} is corrupted or replaced: SHA-256 ${hash.slice(0, 12)}… (${bytes} bytes), the manifest says ${m.sha256.slice(0, 12)}… (${m.bytes} bytes)`,
          },
          REGENERATE,
        ),
      );
  }
  if (matched > 0)
    out.unshift(
      ok(
        'models',
        `${matched}/${models.length} 个模型与 ${manifestPath} 的 SHA-256 一致`,
        `${matched}/${models.length} models match the SHA-256 of ${manifestPath}`,
      ),
    );
  return out;
}
