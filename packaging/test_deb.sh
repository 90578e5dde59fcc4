#!/usr/bin/env bash
# Install the Debian package into a clean Debian root and run the self-test from it.
#   packaging/test_deb.sh [DEB] [--base DIR]      (as root; not run in CI: minutes, and a mirror)
# The root is a fresh `debootstrap --variant=minbase bookworm` (only Debian's package mirror
# is needed), or a copy of DIR made that way earlier. apt installs the .deb there, so its
# Depends: alone must bring every library; the root has no Python. Writes
# dist/selftest-deb.log and dist/selftest-deb.png.
set -euo pipefail
cd "$(dirname "$0")/.."
deb="" base="" suite=${SUITE:-bookworm} mirror=${MIRROR:-http://deb.debian.org/debian}
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=$2; shift 2 ;;
    *) deb=$1; shift ;;
  esac
done
[ -n "$deb" ] || deb=$(ls -t dist/gridwall_*.deb | head -1)
[ "$(id -u)" = 0 ] || { echo "run as root (debootstrap, chroot, mount)" >&2; exit 1; }
root=$(mktemp -d /tmp/gridwall-debroot.XXXXXX)
cleanup() {
  umount "$root/dev/shm" "$root/dev/pts" "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
if [ -n "$base" ]; then
  cp -a "$base/." "$root/"
else
  debootstrap --variant=minbase "$suite" "$root" "$mirror" >/dev/null
fi
mount -t proc proc "$root/proc"
mkdir -p "$root/dev/shm" "$root/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"  # Chromium's shared memory
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/"
echo "[deb-test] installing $(basename "$deb") into a clean $suite root ($root)"
mount -t devpts devpts "$root/dev/pts"
chroot "$root" apt-get update -qq
before=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c 'install ok installed')
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$deb")" >/dev/null
after=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c 'install ok installed')
echo "[deb-test] apt installed $((after - before)) packages (gridwall and its dependencies)"
if chroot "$root" sh -c 'command -v python3 || ls /usr/bin/python3*' >/dev/null 2>&1; then
  echo "[deb-test] note: the root has a Python (pulled in by a dependency?)"
else
  echo "[deb-test] the root has no Python"
fi
echo "[deb-test] installed: $(chroot "$root" dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} kB' gridwall)"
chroot "$root" dpkg -L gridwall | grep -e '^/usr/bin/' -e '^/usr/share/applications/.' -e '^/usr/share/icons/.*\.svg$' | sed 's/^/[deb-test]   /'
echo "[deb-test] self-test of the installed package (env -i, PATH=/usr/bin:/bin):"
status=0
chroot "$root" env -i PATH=/usr/bin:/bin TMPDIR=/tmp gridwall self-test --screenshot /tmp/selftest-deb.png \
  >dist/selftest-deb.log 2>dist/selftest-deb.err || status=$?
cat dist/selftest-deb.log dist/selftest-deb.err
cp "$root/tmp/selftest-deb.png" dist/ 2>/dev/null || true
exit $status
