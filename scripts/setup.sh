#!/usr/bin/env bash
# One-time set-up of a fresh machine: Debian packages, npm dependencies, models, the demo's scenes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
npm run -s models
# The demo's scenes are not needed by a real install: without them the demo shows a test pattern.
npm run -s demo-assets || echo "demo scenes not assembled: the demo cameras will show a test pattern (retry with: npm run demo-assets)" >&2
