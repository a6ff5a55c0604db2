import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JS module without types
import { backedSkips, backing } from './skips.mjs';

const report = (files: Record<string, string[]>) => ({
  testResults: Object.entries(files).map(([name, statuses]) => ({
    name,
    assertionResults: statuses.map((status, i) => ({ fullName: `${name} test ${i}`, title: `test ${i}`, status })),
  })),
});

describe('CI: dataset- and peer-backed suites must not skip where ../shared is', () => {
  it('tells which files are backed by a dataset or a peer', () => {
    expect(backing('/r/gateway/faces/pipeline.test.ts', "const D = resolve('../shared/datasets/faces');")).toBe('dataset');
    expect(backing('/r/gateway/devices/modbus.peers.test.ts', '')).toBe('peer');
    expect(backing('/r/cloud-bridge/gat1400/gat1400.interop.test.ts', '')).toBe('peer');
    expect(backing('/r/gateway/e2e/quickstart.test.ts', '')).toBe('peer');
    expect(backing('/r/gateway/devices/gpio.vm.test.ts', '../shared/x')).toBeNull();
    expect(backing('/r/gateway/core/bus.test.ts', "import x from './shared/y.js';")).toBeNull();
  });

  it('lists the skipped tests of backed files only', () => {
    const sources: Record<string, string> = { '/r/a.test.ts': "resolve('../shared/datasets/plates')", '/r/b.test.ts': 'pure' };
    const skips = backedSkips(
      report({ '/r/a.test.ts': ['passed', 'pending'], '/r/b.test.ts': ['skipped'], '/r/gateway/e2e/c.test.ts': ['passed'] }),
      (f: string) => sources[f] ?? '',
    );
    expect(skips).toEqual([{ file: '/r/a.test.ts', test: '/r/a.test.ts test 1', why: 'dataset' }]);
  });

  it('fails the run (exit 1) only when ../shared is present', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-skips-'));
    const test = join(dir, 'x.test.ts');
    writeFileSync(test, "const F = resolve('../shared/datasets/faces/a.jpg');");
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(report({ [test]: ['pending'] })));
    const run = (shared: string) => {
      try {
        return { code: 0, out: execFileSync(process.execPath, ['scripts/ci/skips.mjs', file, '--shared', shared], { encoding: 'utf8' }) };
      } catch (err) {
        const e = err as { status: number; stdout: string };
        return { code: e.status, out: e.stdout };
      }
    };
    const absent = run(join(dir, 'no-shared'));
    expect(absent.code).toBe(0);
    mkdirSync(join(dir, 'shared'));
    const present = run(join(dir, 'shared'));
    expect(present.code).toBe(1);
    expect(present.out).toContain('x.test.ts > ');
    expect(present.out).toContain('dataset-backed');
  });
});
