#!/usr/bin/env bash
# write_faults.sh MAMBAWB WORKDIR: real runs whose disk fails under them. Each fault hits a
# run that has saved a checkpoint: a full disk (a small tmpfs filled up), the file-size limit
# (ulimit -f), a disk turned read-only, and the run folder removed. Each time the run stops
# with one error line naming the file and what to do (exit code 1 while training, 2 when a
# resume cannot start), leaves no temporary
# file, and its last checkpoint still loads; once the fault is gone the run resumes to the end.
# The tmpfs faults need a private mount namespace (unshare, as root or in a user namespace):
# without one the test says so and is skipped (exit 77).
set -euo pipefail
mambawb=$1
work=$2
if [[ "${MWB_IN_NAMESPACE:-}" != 1 ]]; then
  rm -rf "$work"
  mkdir -p "$work"
  for flags in -m -rm; do
    if unshare $flags true 2>/dev/null; then
      MWB_IN_NAMESPACE=1 exec unshare $flags "$0" "$@"
    fi
  done
  echo "SKIP: needs a private mount namespace (unshare -m as root, or -rm) to mount a small tmpfs"
  exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
disk=$work/disk
mkdir -p "$disk"
mount -t tmpfs -o size=16m tmpfs "$disk" || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }

# 5 epochs of 32 steps on 2,048 images, a checkpoint every 2 steps: it is still training when
# the fault comes, however fast the machine.
tiny=(--preset fashion-quick --set data.train_limit=2048 --set data.test_limit=256
      --set data.batch_size=64 --set model.depth=1 --set model.width=16 --set schedule.epochs=5
      --set run.checkpoint_every_steps=2 --set run.log_every_steps=2)

# start NAME: trains in the background under $disk/runs; sets $pid and $run once the first
# checkpoint is on disk.
start() {
  "$mambawb" train "${tiny[@]}" --set run.name="$1" --out "$disk/runs" >"$work/$1.log" 2>&1 &
  pid=$!
  run=
  for _ in $(seq 600); do
    run=$(ls -d "$disk"/runs/*-"$1" 2>/dev/null | head -n1 || true)
    [[ -n "$run" && -f "$run/checkpoints/last.pt" ]] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/$1.log"; fail "$1: no checkpoint appeared"
}

# expect_failure NAME RC REGEX: the run ended with exit code RC and one error line matching REGEX.
expect_failure() {
  local rc=0
  wait "$pid" || rc=$?
  cat "$work/$1.log"
  [[ $rc -eq $2 ]] || fail "$1: exit code $rc, expected $2"
  [[ $(grep -c '^error: ' "$work/$1.log") -eq 1 ]] || fail "$1: expected one error line"
  grep -Eq "^error: $3" "$work/$1.log" || fail "$1: the error does not match /$3/"
}

# intact RUNDIR: no temporary file is left and the last checkpoint loads.
intact() {
  ! find "$1" -name '*.tmp.*' | grep -q . || fail "a temporary file was left in $1"
  "$mambawb" export --checkpoint "$1/checkpoints/last.pt" --format safetensors \
    --out "$work/loaded.safetensors" >/dev/null || fail "the last checkpoint of $1 does not load"
}

resumes() {
  "$mambawb" train --resume "$1" >"$work/resume.log" 2>&1 || { cat "$work/resume.log"; fail "resume of $1"; }
  grep -q '^epoch 5/5 ' "$work/resume.log" || { cat "$work/resume.log"; fail "resume of $1 did not finish"; }
}

# 1. The disk fills up.
start full
dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null || true
expect_failure full 1 "cannot write '$run/(checkpoints/last.pt|metrics.csv)': No space left on device; it needs [0-9]+ bytes and .* has [0-9]+ free: free some space"
intact "$run"
rm "$disk/filler"
resumes "$run"

# 2. The file-size limit: at most 8 KiB a file, less than a checkpoint.
(ulimit -f 8; exec "$mambawb" train "${tiny[@]}" --set run.name=limited --out "$disk/runs") \
  >"$work/limited.log" 2>&1 && fail "limited: the run did not stop" || rc=$?
cat "$work/limited.log"
[[ $rc -eq 1 ]] || fail "limited: exit code $rc, expected 1"
grep -Eq "^error: cannot write '.*limited/checkpoints/last.pt': File too large; it needs [0-9]+ bytes and this process may write files of at most 8192 bytes: raise the limit" \
  "$work/limited.log" || fail "limited: the error does not name the limit"
! find "$disk/runs" -name '*.tmp.*' | grep -q . || fail "limited: a temporary file was left"

# 3. The disk turns read-only under a stopped run (the kernel refuses it while files are open
# for writing): resuming it is an error naming the folder, and it resumes once writable again.
start readonly
kill -INT "$pid"
wait "$pid" || fail "readonly: the stopped run exited $?"
mount -o remount,ro "$disk"
"$mambawb" train --resume "$run" >"$work/readonly.log" 2>&1 &
pid=$!
expect_failure readonly 2 "cannot write '$run/.*': Read-only file system; .* must be writable"
mount -o remount,rw "$disk"
intact "$run"
resumes "$run"

# 4. The run folder is removed: the run stops instead of writing a half run folder again.
start removed
rm -rf "$run"
expect_failure removed 1 "cannot write '$run/.*': No such file or directory; the folder .* does not exist \(or was removed while running\)"
[[ ! -e "$run" ]] || fail "removed: the run folder came back"
echo "write faults: ok"
