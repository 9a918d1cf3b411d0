#!/usr/bin/env bash
# study.sh MAMBAWB WORKDIR: a tiny grid study on a Fashion-MNIST subset as two parallel
# processes, then the same study resumed: its finished runs are kept, not trained again.
set -euo pipefail
mambawb=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

"$mambawb" study --preset fashion-quick --set data.train_limit=256 --set data.test_limit=128 \
  --set model.depth=1 --set model.width=16 --set data.batch_size=64 --set schedule.epochs=1 \
  --mode grid --grid optimizer.lr=0.003,0.01 --parallel 2 --out "$work/study" >"$work/study.log" 2>&1 ||
  { cat "$work/study.log"; fail "study exited $?"; }
cat "$work/study.log"
grep -Eq '^\[1/2\] optimizer.lr=0.003, seed 1: training' "$work/study.log" || fail "no start line"
grep -Eq '^\[2/2\] optimizer.lr=0.01, seed 1: [0-9.]+% top-1' "$work/study.log" || fail "no result line"
grep -Eq '^optimizer.lr=0.01 +1 ' "$work/study.log" || fail "no table row"
[[ $(wc -l <"$work/study/study.csv") -eq 3 ]] || fail "study.csv is not a header and two rows"
[[ $(head -c 8 "$work/study/study.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "study.png is not a PNG"
[[ -f "$work/study/logs/optimizer.lr=0.01-s1.log" ]] || fail "no log of the second run"

# Resumed: both runs finished, so both are kept and the table is written again.
"$mambawb" study --resume "$work/study" >"$work/resume.log" 2>&1 ||
  { cat "$work/resume.log"; fail "resume exited $?"; }
cat "$work/resume.log"
[[ $(grep -c 'finished earlier, kept' "$work/resume.log") -eq 2 ]] || fail "runs were not kept"
! grep -q ': training' "$work/resume.log" || fail "a finished run was trained again"
echo "study: ok"
