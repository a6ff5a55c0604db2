#!/usr/bin/env bash
# npm run -s test:interop: the suites that check the box against independent implementations of
# the platform side (every *.interop.test.ts: GB/T 28181 against SIPp in cloud-bridge/gb28181,
# and any other protocol that adds one), ending with a plain "N passed, N failed" line. They are
# part of `npm test` too; this runs them alone. A run where no interop test passed (no file
# found, or every test skipped because a peer is missing) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" .interop.test. "$@"
status=$?
REPORT=$report STATUS=$status node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  try {
    const r = JSON.parse(fs.readFileSync(process.env.REPORT, "utf8"));
    passed = r.numPassedTests; failed = r.numFailedTests; skipped = r.numPendingTests + (r.numTodoTests || 0);
  } catch { failed = 1; }
  if (process.env.STATUS !== "0" && failed === 0) failed = 1;
  if (passed === 0 && failed === 0) { console.log("no interop test ran (is sipp installed? scripts/install-system-deps.sh)"); failed = 1; }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = failed ? 1 : 0;
'
