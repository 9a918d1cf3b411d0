#!/usr/bin/env bash
# Builds the .deb with CPack from the build folder, unpacks it into a temporary root with
# dpkg-deb -x and checks that it installs what a desktop user needs.
# Usage: check-deb.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"; echo "FAIL: cpack -G DEB failed"; exit 1; }
deb=$(ls "$work"/out/*.deb | head -n1)
[[ -s "$deb" ]] || { echo "FAIL: no .deb produced"; exit 1; }
dpkg-deb -x "$deb" "$work/root"

fail=0
need() { if [[ ! -s "$work/root/$1" ]]; then echo "FAIL: missing $1"; fail=1; else echo "ok   $1"; fi; }
need usr/bin/mamba-workbench
need usr/bin/mambawb
need usr/share/applications/mamba-workbench.desktop
need usr/share/icons/hicolor/scalable/apps/mamba-workbench.svg
need usr/share/metainfo/mamba-workbench.metainfo.xml
for p in cifar10-v2 cifar100-v2 fashion-quick; do need "usr/share/mamba-workbench/presets/$p.json"; done
[[ -x "$work/root/usr/bin/mamba-workbench" ]] || { echo "FAIL: mamba-workbench not executable"; fail=1; }

grep -q '^Exec=mamba-workbench' "$work/root/usr/share/applications/mamba-workbench.desktop" ||
  { echo "FAIL: desktop entry does not start mamba-workbench"; fail=1; }
grep -q '^Icon=mamba-workbench$' "$work/root/usr/share/applications/mamba-workbench.desktop" ||
  { echo "FAIL: desktop entry names another icon"; fail=1; }
grep -q '<svg' "$work/root/usr/share/icons/hicolor/scalable/apps/mamba-workbench.svg" ||
  { echo "FAIL: icon is not an SVG"; fail=1; }
python3 -c "import json,sys; [json.load(open(f)) for f in sys.argv[1:]]" \
  "$work"/root/usr/share/mamba-workbench/presets/*.json || { echo "FAIL: preset not JSON"; fail=1; }
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net --pedantic "$work/root/usr/share/metainfo/mamba-workbench.metainfo.xml" \
    >"$work/appstream.log" 2>&1 || { cat "$work/appstream.log"; }
  # errors fail the check; pedantic hints (e.g. a non-rDNS id) are shown only
  if grep -q '^E:' "$work/appstream.log"; then echo "FAIL: AppStream errors"; fail=1; fi
fi

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for d in libtorch1.13 libqt6widgets6 libqcustomplot2.1-qt6 libopencv-core406; do
  [[ "$depends" == *"$d"* ]] || { echo "FAIL: Depends lacks $d"; fail=1; }
done
[[ "$(dpkg-deb -f "$deb" Package)" == mamba-workbench ]] || { echo "FAIL: package name"; fail=1; }
exit $fail
