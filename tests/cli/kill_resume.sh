#!/usr/bin/env bash
# kill_resume.sh MAMBAWB WORKDIR: a real run killed with SIGKILL 50 times at random moments
# (while it starts, trains, evaluates or writes a checkpoint) and resumed each time from its
# last checkpoint ends with the same weights, bit for bit, as the same run trained without a
# break. After every kill the last checkpoint loads. The moments are random but seeded.
set -euo pipefail
mambawb=$1
work=$2
kills=${MWB_KILLS:-50}
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

# 640 steps of a tiny model with a checkpoint after every step; one thread, so that the
# arithmetic is the same in every process.
tiny=(--preset fashion-quick --set data.train_limit=4096 --set data.test_limit=128
      --set data.batch_size=32 --set model.depth=1 --set model.width=16 --set schedule.epochs=5
      --set run.checkpoint_every_steps=1 --set run.log_every_steps=1 --set run.threads=1
      --set loader.workers=1)

# The weights of a checkpoint (raw and EMA), without the safetensors header and its metadata.
weights() {
  "$mambawb" export --checkpoint "$1" --format safetensors $2 --out "$work/w.safetensors" >/dev/null
  local n
  n=$(od -An -t u8 -N 8 "$work/w.safetensors" | tr -d ' ')
  tail -c +$((9 + n)) "$work/w.safetensors" | md5sum | cut -d' ' -f1
}

"$mambawb" train "${tiny[@]}" --set run.name=straight --out "$work/straight" >"$work/straight.log" 2>&1 ||
  { cat "$work/straight.log"; fail "the straight run"; }
straight=$(sed -n 's/^run directory: //p' "$work/straight.log")

RANDOM=20261202
killed=0 run= finished=0 starts=0
while (( killed < kills && starts < 4 * kills )); do
  starts=$((starts + 1))
  if [[ -z "$run" ]]; then
    "$mambawb" train "${tiny[@]}" --set run.name=killed --out "$work/killed" >"$work/killed.log" 2>&1 &
  else
    "$mambawb" train --resume "$run" >"$work/killed.log" 2>&1 &
  fi
  pid=$!
  if (( RANDOM % 5 == 0 )); then
    sleep "0.$((RANDOM % 10))"  # while it starts: loading data, building the model, resuming
  else
    more=$((RANDOM % 8 + 1))  # after 1 to 8 more steps, at whatever it is doing then
    for _ in $(seq 3000); do
      (( $(grep -c '^step ' "$work/killed.log" || true) >= more )) && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.02
    done
  fi
  kill -KILL "$pid" 2>/dev/null || true
  rc=0
  wait "$pid" 2>/dev/null || rc=$?
  if (( rc == 0 )); then finished=1; break; fi
  (( rc == 137 )) || { cat "$work/killed.log"; fail "start $starts ended with exit code $rc"; }
  killed=$((killed + 1))
  [[ -n "$run" ]] || run=$(ls -d "$work"/killed/*-killed 2>/dev/null | head -n1 || true)
  if [[ -n "$run" && -f "$run/checkpoints/last.pt" ]]; then
    weights "$run/checkpoints/last.pt" "" >/dev/null || fail "after kill $killed the last checkpoint does not load"
  else
    rm -rf "$work/killed"  # killed before its first checkpoint: it starts again
    run=
  fi
done
(( killed >= kills )) || fail "only $killed kills before the run finished"
if (( !finished )); then
  "$mambawb" train --resume "$run" >"$work/last.log" 2>&1 || { cat "$work/last.log"; fail "the last resume"; }
fi
for ema in "" --ema; do
  [[ $(weights "$run/checkpoints/last.pt" "$ema") == $(weights "$straight/checkpoints/last.pt" "$ema") ]] ||
    fail "after $killed kills the ${ema:-raw} weights differ from the straight run's"
done
echo "kill and resume: $killed kills in $starts starts, weights equal to the straight run's"
