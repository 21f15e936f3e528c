#!/usr/bin/env bash
# Build the static site (the whole playground running in the browser under Pyodide) into site/.
#
#   ./build.sh                      Pyodide and NumPy from Pyodide's CDN (cdn.jsdelivr.net), Bokeh's
#                                   and Panel's JavaScript from their CDNs; every Python wheel is
#                                   served by the site itself (site/wheels/)
#   ./build.sh --offline --pyodide-dist DIR
#                                   everything vendored: the site makes no request outside
#                                   its own origin. DIR holds NumPy's wasm wheel
#                                   (numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl);
#                                   CNN_PYODIDE_NUMPY_WHEEL=FILE works too. Without NumPy the
#                                   site still builds and its pages say that NumPy is missing.
#   ./build.sh --out DIR            write somewhere else than site/
#   ./build.sh --pages app/pages/x.py ...   build only these pages (default: every app/pages/*.py)
#
# Then serve it:  python -m http.server -d site 8000   and open http://127.0.0.1:8000/
# Downloads (npm, PyPI) are cached in $CNN_SITE_CACHE (default ~/.cache/cnn-playground),
# so reruns are fast. Needs: python with panel/bokeh installed, pip; npm for --offline;
# python3.13 (optional, $CNN_PYC_PYTHON) to ship bytecode: Python starts about twice as fast.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

case "${1:-}" in
  -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
esac

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c "import panel, bokeh" 2>/dev/null || {
  echo "build.sh: panel and bokeh are needed: pip install -e '.[app]'" >&2; exit 1; }
echo "==> building the static site (panel $("$PYTHON" -c 'import panel; print(panel.__version__)'))"
"$PYTHON" scripts/build_site.py "$@"
echo "==> serve it with: $PYTHON -m http.server -d site 8000  (then open http://127.0.0.1:8000/)"
