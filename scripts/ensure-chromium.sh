#!/usr/bin/env bash
# The HTML report's browser test opens the page in Debian's Chromium, never a
# downloaded browser. `npm test` runs this, so a fresh machine gets it too.
set -euo pipefail
command -v chromium >/dev/null && exit 0
if ! command -v apt-get >/dev/null; then
  echo "[setup] Chromium is missing and this is not a Debian-like system: install chromium so that /usr/bin/chromium exists" >&2
  exit 1
fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
echo "[setup] Chromium: installing Debian's chromium package (for the HTML report's browser test)..."
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
