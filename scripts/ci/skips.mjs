#!/usr/bin/env node
// CI: a test suite backed by ../shared (datasets, models) or by a real peer (the e2e tests, the
// *.peers and *.interop suites) must not skip while ../shared is present: there its skip means
// something is broken (a dataset moved, a peer missing), not "not available here". Reads
// vitest's JSON report; prints one line per such skip; exits 1 when there is one.
//
//   node scripts/ci/skips.mjs .cache/vitest-report.json [--shared ../shared]
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';

/** Why a test file is dataset- or peer-backed, or null. Pure: the path and the file's text. */
export function backing(file, source) {
  const path = file.replaceAll('\\', '/');
  if (/\.vm\.test\.ts$/.test(path)) return null; // GPIO: runs in its own VM (npm run test:gpio)
  if (/(^|[^.\w])\.\.\/shared\//.test(source) || source.includes('/work/shared/')) return 'dataset';
  if (/\.(peers|interop)\.test\.ts$/.test(path) || /(^|\/)gateway\/e2e\//.test(path)) return 'peer';
  return null;
}

/** The skipped tests of dataset- or peer-backed files in a vitest (jest-format) JSON report. */
export function backedSkips(report, read) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const skipped = (file.assertionResults ?? []).filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo');
    if (!skipped.length) continue;
    let source = '';
    try {
      source = read(file.name);
    } catch {
      /* a file gone since the run: judged by its name */
    }
    const why = backing(file.name, source);
    if (why) for (const t of skipped) out.push({ file: file.name, test: t.fullName ?? t.title, why });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const reportFile = process.argv[2] ?? '.cache/vitest-report.json';
  const sharedAt = process.argv.indexOf('--shared');
  const shared = resolve(sharedAt > 0 ? process.argv[sharedAt + 1] : '../shared');
  if (!existsSync(shared)) {
    console.log(`skip check: ${shared} is not here, dataset-backed suites may skip`);
    process.exit(0);
  }
  let report;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8'));
  } catch (err) {
    console.log(`skip check: cannot read ${reportFile}: ${err.message}`);
    process.exit(1);
  }
  const skips = backedSkips(report, (f) => readFileSync(f, 'utf8'));
  for (const s of skips)
    console.log(`skipped although ${shared} is present (${s.why}-backed): ${relative(process.cwd(), s.file)} > ${s.test}`);
  if (skips.length) console.log(`${skips.length} dataset- or peer-backed tests skipped with ../shared present: counted as failures`);
  process.exit(skips.length ? 1 : 0);
}
