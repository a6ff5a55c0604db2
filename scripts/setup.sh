#!/usr/bin/env bash
# One-time set-up of a fresh machine: Debian packages, npm dependencies, models.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund
npm run -s models
