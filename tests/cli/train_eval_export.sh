#!/usr/bin/env bash
# train_eval_export.sh MAMBAWB WORKDIR: trains a tiny run on a Fashion-MNIST subset, stops a
# second run with SIGINT and resumes it, evaluates and exports the first. Fails loudly.
set -euo pipefail
mambawb=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
tiny=(--preset fashion-quick --set data.train_limit=1024 --set data.test_limit=512
      --set model.depth=2 --set model.width=32 --set run.log_every_steps=2 --out "$work")

fail() { echo "FAIL: $*"; exit 1; }

# 1. Train one epoch; plain lines (not a terminal), an epoch summary and the run directory.
"$mambawb" train "${tiny[@]}" --set schedule.epochs=1 --set run.name=tiny >"$work/train.log" 2>&1 ||
  { cat "$work/train.log"; fail "train exited $?"; }
cat "$work/train.log"
grep -Eq '^step 2/8 ' "$work/train.log" || fail "no plain step line"
grep -Eq '^epoch 1/1 .*top-1 [0-9.]+%' "$work/train.log" || fail "no epoch summary"
run=$(sed -n 's/^run directory: //p' "$work/train.log")
[[ -f "$run/config.json" && -f "$run/metrics.csv" && -f "$run/checkpoints/last.pt" &&
   -f "$run/checkpoints/best.pt" && ! -e "$run/plots" ]] || fail "run directory layout in '$run'"
[[ $(grep -c '^epoch,' "$run/metrics.csv") -eq 1 ]] || fail "metrics.csv has no epoch row"

# 2. Evaluate: the JSON report's top-1 equals the EMA top-1 of the epoch row.
"$mambawb" eval --checkpoint "$run/checkpoints/last.pt" --ema --json >"$work/eval.json" ||
  fail "eval exited $?"
grep -q '"images": 512' "$work/eval.json" || fail "eval did not see 512 test images"
"$mambawb" eval --checkpoint "$run/checkpoints/last.pt" --tta 3 | tee "$work/eval.txt"
grep -Eq '^top-1 +[0-9.]+%' "$work/eval.txt" || fail "eval text report"
grep -q 'TTA, 3 views' "$work/eval.txt" || fail "eval did not report TTA"

# 3. Export: header length, JSON header with the metadata and a known tensor.
"$mambawb" export --checkpoint "$run/checkpoints/best.pt" --format safetensors --ema \
  --out "$work/model.safetensors"
n=$(od -An -t u8 -N 8 "$work/model.safetensors" | tr -d ' ')
size=$(stat -c %s "$work/model.safetensors")
(( n > 0 && 8 + n < size )) || fail "header length $n of a $size-byte file"
header=$(dd if="$work/model.safetensors" bs=1 skip=8 count="$n" 2>/dev/null)
grep -q '"__metadata__"' <<<"$header" || fail "no __metadata__"
grep -q '"head.weight":{"dtype":"F32","shape":\[10,32\]' <<<"$header" || fail "no head.weight"
# The metadata describes the model (docs/EXPORT.md): Fashion-MNIST's class names, its grey input
# at 28 x 28 with one mean and deviation, the architecture's derived values, which weights.
python3 - "$work/model.safetensors" <<'PY' || fail "the export's metadata"
import json, struct, sys
data = open(sys.argv[1], "rb").read()
meta = json.loads(data[8:8 + struct.unpack("<Q", data[:8])[0]])["__metadata__"]
assert json.loads(meta["class_names"])[:2] == ["T-shirt/top", "Trouser"], meta["class_names"]
pre = json.loads(meta["preprocessing"])
assert pre["image_size"] == 28 and pre["channels"] == 1 and len(pre["mean"]) == 1 == len(pre["std"]), pre
arch = json.loads(meta["architecture"])
assert arch["width"] == 32 and arch["depth"] == 2 and arch["dt_rank"] == 2, arch
assert meta["weights"] == "ema" and meta["format_version"] == "1", meta
PY

# 4. Bad input: a missing checkpoint is exit 2 with one error line.
set +e
"$mambawb" eval --checkpoint "$work/none.pt" >"$work/bad.log" 2>&1
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q "^error: cannot open checkpoint" "$work/bad.log" || fail "bad checkpoint rc $rc"

# 5. SIGINT stops after the current step and saves; --resume finishes the run.
"$mambawb" train "${tiny[@]}" --set schedule.epochs=2 --set run.name=stopped \
  --set run.log_every_steps=1 >"$work/stop.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  grep -q '^step 3/' "$work/stop.log" && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid" || { cat "$work/stop.log"; fail "interrupted train exited $?"; }
cat "$work/stop.log"
grep -q '^stopped at step' "$work/stop.log" || fail "no stop message"
grep -q '^continue with: mambawb train --resume ' "$work/stop.log" || fail "no resume hint"
stopped=$(sed -n 's/^run directory: //p' "$work/stop.log")
[[ -f "$stopped/checkpoints/last.pt" ]] || fail "no checkpoint after SIGINT"
"$mambawb" train --resume "$stopped" >"$work/resume.log" 2>&1 || { cat "$work/resume.log"; fail "resume"; }
cat "$work/resume.log"
grep -q '^resumed ' "$work/resume.log" || fail "no resume message"
grep -Eq '^epoch 2/2 ' "$work/resume.log" || fail "resumed run did not finish epoch 2"
echo "PASS"
