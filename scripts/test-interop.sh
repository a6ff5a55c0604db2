#!/usr/bin/env bash
# npm run -s test:interop: the protocol suites (every *.interop.test.ts), then which peer checked
# what, ending with a plain "N passed, N failed" line. They are part of `npm test` too; this runs
# them alone. A missing peer program is a failed test in its suite (never a skip), and a run where
# no interop test passed (no file found) is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" .interop.test. "$@"
status=$?
REPORT=$report STATUS=$status node -e '
  const fs = require("fs");
  // Which peer checks what, per suite file (the peers are independent programs unless said).
  const PEERS = [
    ["gb28181/kamailio.interop", "GB/T 28181 REGISTER with Digest qop=auth, renewal, Expires: 0, keepalive MESSAGE delivery (UDP, TCP), a wrong password: kamailio, a real SIP registrar"],
    ["gb28181/gb28181.interop", "GB/T 28181 Digest, keepalive, Catalog, DeviceInfo, DeviceStatus, Alarm, INVITE, 486: SIPp scenarios; PS over RTP: ffprobe and GStreamer mpegpsdemux"],
    ["gat1400/gat1400.interop", "GA/T 1400 Digest, session, delivery, retries, dead letters: the project\u0027s conformance stub (not an independent peer)"],
    ["gat1400/conformance.interop", "GA/T 1400 against public servers\u0027 rules (profiles schema, flags-required, string-codes): the project\u0027s conformance stub (not an independent peer)"],
  ];
  let passed = 0, failed = 0, skipped = 0;
  const perFile = [];
  try {
    const r = JSON.parse(fs.readFileSync(process.env.REPORT, "utf8"));
    passed = r.numPassedTests; failed = r.numFailedTests; skipped = r.numPendingTests + (r.numTodoTests || 0);
    for (const f of r.testResults) {
      const n = (s) => f.assertionResults.filter((a) => a.status === s).length;
      // A file that failed to load (no assertions) counts as one failure.
      const bad = n("failed") + (f.status === "failed" && f.assertionResults.length === 0 ? 1 : 0);
      perFile.push({ name: f.name, passed: n("passed"), failed: bad, skipped: n("pending") + n("skipped") + n("todo") });
      if (f.status === "failed" && f.assertionResults.length === 0) failed++;
    }
  } catch { failed = 1; }
  if (process.env.STATUS !== "0" && failed === 0) failed = 1;
  for (const f of perFile) {
    const peer = PEERS.find(([k]) => f.name.includes(k));
    const what = peer ? peer[1] : f.name.replace(process.cwd() + "/", "");
    console.log(`  ${what}: ${f.passed} passed, ${f.failed} failed${f.skipped ? `, ${f.skipped} skipped` : ""}`);
  }
  if (skipped) console.log(`${skipped} skipped (filtered out by a -t pattern, or behind a missing peer, which fails its suite)`);
  if (passed === 0 && failed === 0) { console.log("no interop test ran"); failed = 1; }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
'
