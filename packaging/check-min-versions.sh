#!/usr/bin/env bash
# Check that the minimum versions pyproject.toml declares are real: install exactly the lowest
# allowed version of every direct dependency (for this Python) into a scratch virtual
# environment and run the tests that exercise them against this checkout.
#
#   packaging/check-min-versions.sh                 protocol, client, server, store, live tests
#   packaging/check-min-versions.sh tests           any pytest arguments (here: the whole suite)
#   MIN_OVERRIDE="websockets==16.1" packaging/...   try one version below a floor (expect failures)
#
# Environment: PYTHON (default python3), MIN_VENV (default /tmp/gridwall-min-venv, recreated).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=${MIN_VENV:-/tmp/gridwall-min-venv}

rm -rf "$VENV"
"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip packaging
# Every "name>=X" of [project].dependencies whose marker holds here becomes "name==X".
"$VENV/bin/python" - "${MIN_OVERRIDE:-}" >"$VENV/lowest.txt" <<'EOF'
import sys
import tomllib

from packaging.requirements import Requirement

override = {Requirement(r).name.lower(): r for r in sys.argv[1].split()}
for line in tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]:
    req = Requirement(line)
    if req.marker is not None and not req.marker.evaluate():
        continue
    if req.name.lower() in override:
        print(override[req.name.lower()])
        continue
    floors = [s.version for s in req.specifier if s.operator == ">="]
    if not floors:
        sys.exit(f"{line}: no '>=' floor declared")
    print(f"{req.name}=={max(floors, key=lambda v: tuple(int(p) for p in v.split('.')))}")
EOF
echo "[min-versions] installing:" $(cat "$VENV/lowest.txt")
"$VENV/bin/python" -m pip install -q -r "$VENV/lowest.txt" "pytest>=8" "pytest-qt>=4.4" "pytest-timeout>=2.3"
"$VENV/bin/python" -m pip list --format=freeze | grep -i -E "^($(sed 's/==.*//' "$VENV/lowest.txt" | paste -sd'|'))==" \
  | sed 's/^/[min-versions]   /'

export QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1 PYTHONPATH=$PWD
if [ $# -eq 0 ]; then
  set -- tests/protocol tests/server tests/store tests/live
fi
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
