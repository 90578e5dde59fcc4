#!/usr/bin/env bash
# Debian package from the bundle: dist/gridwall_<version>_<arch>.deb
#   installs the bundle under /opt/gridwall, /usr/bin/gridwall, desktop entries and icons for
#   the wall and the workstation; Depends: the Debian packages holding every shared library
#   the bundle links but does not carry (found with readelf + dpkg -S on this build machine),
#   and a font with Chinese glyphs.
# Run packaging/build.sh first (or build.sh --deb). Needs dpkg-deb and readelf (binutils).
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=dist/gridwall
[ -x "$bundle/gridwall" ] || { echo "no bundle in $bundle: run packaging/build.sh first" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
arch=$(dpkg --print-architecture)
deb="dist/gridwall_${version}_${arch}.deb"
stage=build/deb
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/doc/gridwall"
cp -a "$bundle" "$stage/opt/gridwall"
install -m 755 packaging/deb/gridwall.sh "$stage/usr/bin/gridwall"
install -m 644 packaging/deb/gridwall-wall.desktop packaging/deb/gridwall-workstation.desktop \
  "$stage/usr/share/applications/"
install -m 644 packaging/deb/gridwall.svg packaging/deb/gridwall-workstation.svg \
  "$stage/usr/share/icons/hicolor/scalable/apps/"
install -m 644 resources/geo/ATTRIBUTION_OSM.txt "$stage/usr/share/doc/gridwall/"

# Shared libraries the bundle needs from the system, and the packages that hold them.
sonames=$(find "$bundle" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
  xargs -0 readelf -d 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)
carried=$(find "$bundle" -name '*.so*' -printf '%f\n' | sort -u)
packages=""
for soname in $sonames; do
  grep -qxF "$soname" <<<"$carried" && continue  # in the bundle
  owner=$(dpkg -S "*/$soname" 2>/dev/null | grep -v -e '^diversion' | head -1 | cut -d: -f1) || true
  if [ -z "$owner" ]; then
    echo "[deb] $soname is not installed here, so its package is unknown: install it on the build machine" >&2
    exit 1
  fi
  packages="$packages $owner"
done
depends=$(echo "$packages" | tr ' ' '\n' | sed '/^$/d' | sort -u | paste -sd, | sed 's/,/, /g')
depends="$depends, fonts-wqy-microhei | fonts-noto-cjk | fonts-wqy-zenhei"

cat >"$stage/DEBIAN/control" <<EOF
Package: gridwall
Version: $version
Architecture: $arch
Maintainer: GridWall developers <gridwall@localhost>
Installed-Size: $(du -sk "$stage" | cut -f1)
Depends: $depends
Recommends: libpq5
Section: misc
Priority: optional
Description: command-centre wall for grid-based city management (网格化城市管理)
 GridWall shows a district's grid map, live cases, overdue counters, KPIs and alerts on a
 video wall, and the same views in an operator's workstation window. It runs offline:
 a self-contained bundle under /opt/gridwall (Python, Qt and QtWebEngine included).
 Check a machine with: gridwall --self-test
EOF
start=$(date +%s)
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$deb" >/dev/null
echo "[deb] $deb ($(du -h "$deb" | cut -f1), built in $(( $(date +%s) - start )) s)"
echo "[deb] Depends: $depends"
