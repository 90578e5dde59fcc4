#!/usr/bin/env bash
# Build the offline bundle dist/gridwall/ with PyInstaller, then smoke-test it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./run --help >/dev/null
.venv/bin/python -m pip install -q -e ".[package]"
.venv/bin/pyinstaller --noconfirm --clean --distpath dist --workpath build packaging/gridwall.spec
dist/gridwall/gridwall --help >/dev/null && echo "bundle OK: dist/gridwall/gridwall"
