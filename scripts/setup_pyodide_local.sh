#!/usr/bin/env bash
# Set up a local Pyodide (the browser's Python) for running cnncore under Node.
#
#   scripts/setup_pyodide_local.sh [FOLDER]
#
# FOLDER defaults to $CNN_PYODIDE_DIR, else /work/pyodide-local. It is kept
# outside the repo and never committed. The script is idempotent:
#   1. `npm install pyodide@0.29.3` into FOLDER (skipped when already there);
#      with --convnetjs it also installs convnetjs@0.3.0 (for bench/convnetjs_mnist.js);
#   2. checks that $CNN_PYODIDE_NUMPY_WHEEL names the NumPy wasm wheel
#      (numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl); if not, it says
#      how to obtain it, since the npm package holds only the core runtime.
#
# Then:  export CNN_PYODIDE_DIR=FOLDER CNN_PYODIDE_NUMPY_WHEEL=/path/to/numpy-...whl
#        node bench/pyodide_run.mjs bench/engine.py
# Tests that need Pyodide skip when these variables are unset.
set -euo pipefail

PYODIDE_VERSION=0.29.3
WHEEL_NAME=numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl
with_convnetjs=0
dir=""
for arg in "$@"; do
  case "$arg" in
    --convnetjs) with_convnetjs=1 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) dir="$arg" ;;
  esac
done
dir="${dir:-${CNN_PYODIDE_DIR:-/work/pyodide-local}}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

command -v node >/dev/null || { echo "node is not installed (Node 18+ needed)" >&2; exit 1; }
command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 1; }

installed="$(node -p "require('$dir/node_modules/pyodide/package.json').version" 2>/dev/null || true)"
if [ "$installed" = "$PYODIDE_VERSION" ]; then
  echo "pyodide@$PYODIDE_VERSION already in $dir/node_modules/pyodide"
else
  [ -f "$dir/package.json" ] || echo '{"private": true}' > "$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund "pyodide@$PYODIDE_VERSION")
fi
if [ "$with_convnetjs" = 1 ]; then
  if [ -f "$dir/node_modules/convnetjs/package.json" ]; then
    echo "convnetjs already in $dir/node_modules/convnetjs"
  else
    (cd "$dir" && npm install --no-audit --no-fund convnetjs@0.3.0)
  fi
fi

wheel="${CNN_PYODIDE_NUMPY_WHEEL:-}"
if [ -z "$wheel" ] && [ -f "$dir/$WHEEL_NAME" ]; then
  wheel="$dir/$WHEEL_NAME"
  echo "found the NumPy wheel in $dir (CNN_PYODIDE_NUMPY_WHEEL is not set yet)"
fi
if [ -z "$wheel" ] || ! python3 -c "import sys, zipfile; sys.exit(not zipfile.is_zipfile(sys.argv[1]))" "$wheel" 2>/dev/null; then
  cat >&2 <<MSG
The NumPy wasm wheel is missing${wheel:+ or is not a zip file: $wheel}.
Pyodide's npm package has no packages inside, and the wheel is on no package
registry. Obtain $WHEEL_NAME (Pyodide 0.29.0's build; it
loads in $PYODIDE_VERSION), for example:
  - from Pyodide's release archive pyodide-0.29.x.tar.bz2 (folder pyodide/), or
  - from a public repository that vendors it, e.g. GitHub satoshikawato/gbdraw,
    file gbdraw/web/vendor/pyodide-wheels/$WHEEL_NAME:
      git clone --depth 1 <that repository> /tmp/gbdraw
      cp /tmp/gbdraw/gbdraw/web/vendor/pyodide-wheels/$WHEEL_NAME "$dir/"
Check it is a real zip (not a Git LFS pointer): python3 -m zipfile -l FILE | head
Then: export CNN_PYODIDE_NUMPY_WHEEL="$dir/$WHEEL_NAME"
Never commit the wheel (.gitignore ignores *.whl).
MSG
  exit 1
fi

cat <<MSG
Pyodide is ready. Use:
  export CNN_PYODIDE_DIR="$dir"
  export CNN_PYODIDE_NUMPY_WHEEL="$(cd "$(dirname "$wheel")" && pwd)/$(basename "$wheel")"
  node bench/pyodide_run.mjs bench/engine.py
MSG
