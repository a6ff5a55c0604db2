/**
 * Photos from Debian packages: `apt-get download` fetches the .deb (never installs it), only
 * the listed files are extracted, and each must have the sha256 recorded in scripts/demo-assets/sources.json.
 * Idempotent: files already present with the right sha256 are kept; the .deb is removed after.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DebianFile {
  /** Path inside the package, as dpkg-deb lists it (./usr/share/...). */
  from: string;
  /** File name under .cache/demo/photos/. */
  to: string;
  sha256: string;
}

export interface DebianSource {
  debian: string;
  /** The package version these files were checked against (any version carrying the same files will do). */
  tested: string;
  licence: string;
  files: DebianFile[];
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

function intact(path: string, expected: string): boolean {
  return existsSync(path) && sha256(readFileSync(path)) === expected;
}

async function download(pkg: string, cacheDir: string): Promise<string> {
  const found = () => readdirSync(cacheDir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  const cached = found();
  if (cached) return join(cacheDir, cached);
  // apt's sandbox user must be able to write here, or apt warns and downloads as root anyway.
  chmodSync(cacheDir, 0o777);
  const get = () => run('apt-get', ['download', '-q', pkg], { cwd: cacheDir, timeout: 300_000, maxBuffer: 1 << 20 });
  try {
    await get();
  } catch (first) {
    // A fresh machine's package lists may be empty: refresh them once (needs root) and retry.
    const msg = String((first as { stderr?: string }).stderr ?? first);
    if (!/unable to locate|no packages found|has no installation candidate/i.test(msg) || process.getuid?.() !== 0)
      throw new Error(`cannot download the Debian package ${pkg} with apt-get download: ${msg.trim().split('\n').slice(-2).join(' ')}`);
    await run('apt-get', ['update', '-qq'], { timeout: 300_000, maxBuffer: 1 << 22 });
    try {
      await get();
    } catch (err) {
      throw new Error(`cannot download the Debian package ${pkg}: ${String((err as { stderr?: string }).stderr ?? err).trim()}`);
    }
  }
  const deb = found();
  if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${cacheDir}`);
  return join(cacheDir, deb);
}

/** `dpkg-deb --fsys-tarfile DEB | tar -x -C DIR PATHS...`, without a shell. */
function extract(deb: string, dir: string, paths: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dir, '--', ...paths], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    dpkg.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    tar.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    dpkg.stdout.pipe(tar.stdin);
    dpkg.on('error', reject);
    tar.on('error', reject);
    tar.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`cannot extract ${paths.join(', ')} from ${deb}: ${errors.trim()}`)),
    );
  });
}

/** Makes sure every file of `src` is in `photosDir` with its recorded sha256. */
export async function ensureDebianFiles(src: DebianSource, cacheDir: string, photosDir: string, log: (l: string) => void): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  mkdirSync(photosDir, { recursive: true });
  const missing = src.files.filter((f) => !intact(join(photosDir, f.to), f.sha256));
  if (missing.length === 0) {
    log(`  ${src.files.map((f) => f.to).join(', ')} present`);
    return;
  }
  const deb = await download(src.debian, cacheDir);
  const tmp = join(cacheDir, `extract-${src.debian}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await extract(
      deb,
      tmp,
      missing.map((f) => f.from),
    );
    for (const f of missing) {
      const got = sha256(readFileSync(join(tmp, f.from)));
      if (got !== f.sha256) {
        rmSync(deb, { force: true });
        throw new Error(`${f.from} in ${deb} has sha256 ${got}, expected ${f.sha256}; the cached package was removed`);
      }
      renameSync(join(tmp, f.from), join(photosDir, f.to));
      log(`  ${f.to} extracted from the Debian package ${src.debian} (${src.licence})`);
    }
    rmSync(deb, { force: true }); // only these files were needed
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
