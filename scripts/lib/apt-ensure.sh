#!/usr/bin/env bash
# apt-ensure PKG...: installs the Debian packages of the list that are missing, after refreshing
# the package lists (a fresh machine's lists may be stale or empty). Idempotent; needs root.
# Used by every script that calls a program from a Debian package, so a fresh machine gets it.
set -euo pipefail
missing=()
for p in "$@"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
