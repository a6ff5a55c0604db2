import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * npm 11 runs a dependency's install scripts only when package.json's allowScripts says so (a
 * later npm refuses the rest), and warns at every command about settings it does not know. The
 * project's npm settings must be what npm knows, and every package of the lock with an install
 * script must be decided explicitly.
 */
describe("the project's npm settings", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean> };
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
    packages: Record<string, { hasInstallScript?: boolean }>;
  };

  it('decide every install script in the lock: the native modules run, onnxruntime-node (a CUDA download) does not', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''))
      .sort();
    expect(Object.keys(pkg.allowScripts ?? {}).sort()).toEqual(withScripts);
    expect(pkg.allowScripts).toMatchObject({
      'better-sqlite3': true,
      '@serialport/bindings-cpp': true,
      'unix-dgram': true,
      esbuild: true,
      'onnxruntime-node': false,
    });
  });

  it('.npmrc holds only settings npm knows (an unknown one is warned about before every npx line)', () => {
    const keys = readFileSync('.npmrc', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith(';'))
      .map((l) => l.split('=')[0]!.trim());
    expect(keys.filter((k) => !['fund', 'audit', 'engine-strict', 'save-exact'].includes(k))).toEqual([]);
  });
});
