#!/usr/bin/env bash
# study.sh MAMBAWB WORKDIR: a tiny grid study on real Fashion-MNIST as two parallel processes,
# stopped with SIGINT once both runs train, resumed (each run continues from its checkpoint),
# then resumed again with nothing left to do: its finished runs are kept, not trained again.
set -euo pipefail
mambawb=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

# One epoch of the full 60,000 images on a tiny model: long enough to be stopped midway.
"$mambawb" study --preset fashion-quick --set data.test_limit=512 --set model.depth=1 \
  --set model.width=16 --set schedule.epochs=1 --mode grid --grid optimizer.lr=0.003,0.01 \
  --parallel 2 --out "$work/study" >"$work/study.log" 2>&1 &
pid=$!
logs=("$work/study/logs/optimizer.lr=0.003-s1.log" "$work/study/logs/optimizer.lr=0.01-s1.log")
for _ in $(seq 600); do
  grep -qs '^step ' "${logs[0]}" && grep -qs '^step ' "${logs[1]}" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
kill -INT "$pid" 2>/dev/null || true
wait "$pid" || { cat "$work/study.log"; fail "stopped study exited $?"; }
cat "$work/study.log"
grep -Eq '^\[1/2\] optimizer.lr=0.003, seed 1: training' "$work/study.log" || fail "no start line"
grep -q '^stopped; continue with: mambawb study --resume ' "$work/study.log" || fail "no resume hint"
[[ $(grep -c 'stopped; its checkpoint is saved' "$work/study.log") -eq 2 ]] || fail "runs not stopped"

"$mambawb" study --resume "$work/study" --parallel 2 >"$work/resume.log" 2>&1 ||
  { cat "$work/resume.log"; fail "resume exited $?"; }
cat "$work/resume.log"
[[ $(grep -c ': resuming ' "$work/resume.log") -eq 2 ]] || fail "runs did not continue from their checkpoints"
grep -Eq '^\[2/2\] optimizer.lr=0.01, seed 1: [0-9.]+% top-1' "$work/resume.log" || fail "no result line"
grep -Eq '^optimizer.lr=0.01 +1 ' "$work/resume.log" || fail "no table row"
[[ $(wc -l <"$work/study/study.csv") -eq 3 ]] || fail "study.csv is not a header and two rows"
[[ $(head -c 8 "$work/study/study.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "study.png is not a PNG"
[[ $(ls "$work/study/runs" | wc -l) -eq 2 ]] || fail "a run was started again instead of resumed"

"$mambawb" study --resume "$work/study" >"$work/again.log" 2>&1 || { cat "$work/again.log"; fail "again exited $?"; }
cat "$work/again.log"
[[ $(grep -c 'finished earlier, kept' "$work/again.log") -eq 2 ]] || fail "runs were not kept"
! grep -q ': training\|: resuming' "$work/again.log" || fail "a finished run was trained again"
echo "study: ok"
