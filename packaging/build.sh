#!/usr/bin/env bash
# Build the offline bundle dist/gridwall/ with PyInstaller, print its size by component,
# then prove it: the bundle's own self-test under `env -i` (no venv, no Python on PATH,
# no display, no locale). Fails if the self-test fails.
#   packaging/build.sh            build + self-test
#   packaging/build.sh --deb      also dist/gridwall_<version>_amd64.deb (packaging/make_deb.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./run --help >/dev/null
.venv/bin/python -m pip install -q -e ".[package]"

start=$(date +%s)
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/gridwall.spec
echo "[build] bundle built in $(( $(date +%s) - start )) s: dist/gridwall/gridwall"
# Qt's ICU data library down to the en/zh locales (32 -> 9 MB); ./run installs icu-devtools and gcc.
find dist/gridwall -name 'libicudata.so.*' -type f -print0 | xargs -0 -r -n1 .venv/bin/python packaging/trim_icu.py
.venv/bin/python packaging/sizes.py dist/gridwall

# The self-test with nothing from this shell: an empty environment and a PATH without Python.
nopath=$(mktemp -d)
shot=dist/selftest.png
echo "[build] self-test of the bundle under env -i:"
if ! env -i PATH="$nopath" TMPDIR=/tmp "$PWD/dist/gridwall/gridwall" self-test --screenshot "$PWD/$shot" \
    >dist/selftest.log 2>dist/selftest.err; then
  cat dist/selftest.log dist/selftest.err
  rmdir "$nopath"
  echo "[build] FAILED: the bundle's self-test failed (see above)" >&2
  exit 1
fi
rmdir "$nopath"
cat dist/selftest.log
if [ -s dist/selftest.err ]; then
  echo "[build] note: the bundle wrote $(wc -l <dist/selftest.err) line(s) to stderr (dist/selftest.err)"
fi
echo "[build] bundle OK: dist/gridwall/gridwall (self-test screenshot: $shot)"

if [ "${1:-}" = "--deb" ]; then
  packaging/make_deb.sh
fi
