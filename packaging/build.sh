#!/usr/bin/env bash
# Build the offline bundle dist/gridwall/ with PyInstaller, print its size by component,
# then prove it: the bundle's own self-test under `env -i` (no venv, no Python on PATH,
# no display, no locale). Fails if the self-test fails.
#   packaging/build.sh            build + self-test
#   packaging/build.sh --deb      also dist/gridwall_<version>_amd64.deb (packaging/make_deb.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || ./run --help >/dev/null  # the Debian libraries Qt needs, and .venv

# The bundle is built from a venv of its own, .venv-package: the same packages as .venv, but
# numpy compiled without BLAS/LAPACK (the wheel's OpenBLAS and gfortran are 28 MB; pyqtgraph
# and shapely never call numpy.linalg). The development .venv is left as it is.
PKG=.venv-package
PY=$PKG/bin/python
[ -x "$PY" ] || "$(.venv/bin/python -c 'import sys; print(sys._base_executable)')" -m venv "$PKG"
"$PY" -m pip install -q -e ".[package,postgres]"  # psycopg: PostgreSQL stores (its binary part is left out)
if "$PY" -c 'import numpy, sys; sys.exit(0 if numpy.show_config("dicts")["Build Dependencies"]["blas"].get("found") else 1)'; then
  version=$("$PY" -c 'import numpy; print(numpy.__version__)')
  wheels=build/wheels  # outside PyInstaller's work folder (build/gridwall), which --clean empties
  if ! ls "$wheels"/numpy-"$version"-*.whl >/dev/null 2>&1; then
    for tool in g++ pkg-config; do  # numpy's sources are C and C++; meson finds Python with pkg-config
      command -v "$tool" >/dev/null || { echo "[build] compiling numpy needs $tool: apt-get install g++ pkg-config" >&2; exit 1; }
    done
    echo "[build] compiling numpy $version without BLAS into $wheels (once; 10-30 min on 2 cores)"
    # cpu-dispatch=none: numpy's baseline SIMD only (no per-CPU AVX2/AVX-512 variants): a third
    # of the compile and 3 MB less; the wall's arrays are a few thousand values.
    nice "$PY" -m pip wheel -q --no-deps --no-binary numpy "numpy==$version" -w "$wheels" \
      -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true \
      -Csetup-args=-Dcpu-dispatch=none
  fi
  "$PY" -m pip install -q --no-deps --force-reinstall "$wheels"/numpy-"$version"-*.whl
fi

start=$(date +%s)
"$PKG"/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build packaging/gridwall.spec
echo "[build] bundle built in $(( $(date +%s) - start )) s: dist/gridwall/gridwall"
# The ICU data down to the en/zh locales: Qt's library (32 -> 7.6 MB) and QtWebEngine's icudtl.dat
# (10.5 -> 4.9 MB); ./run installs icu-devtools and gcc.
find dist/gridwall \( -name 'libicudata.so.*' -o -name icudtl.dat \) -type f -print0 |
  xargs -0 -r -n1 "$PY" packaging/trim_icu.py
"$PY" packaging/sizes.py dist/gridwall

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
