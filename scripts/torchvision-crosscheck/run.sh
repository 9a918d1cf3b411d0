#!/usr/bin/env bash
# Cross-checks mwb's AutoAugment ops against torchvision bit for bit (development only: needs
# Debian's python3-torchvision and a build in build/). Usage: scripts/torchvision-crosscheck/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/cases.py" "$tmp/cases.bin"
g++ -O2 -std=c++17 -I"$root/core/include" -isystem /usr/include/opencv4 "$here/check.cpp" \
  "$root/build/core/libmwb_core.a" -lopencv_core -lopencv_imgproc -o "$tmp/check"
"$tmp/check" "$tmp/cases.bin"
