#!/usr/bin/env bash
# Figures per CPU kernel path, each from `mambawb bench --json`, in one run so their ratios are
# fair: every path this CPU runs (MWB_CPU_ISA forced), at the given preset and batch sizes.
#   bench/cpu-paths.sh [PRESET] [BATCH...]       default: mamba-tiny 64 16
# With AS_AVX2=1 most of the step runs as on an AVX2-only CPU: LibTorch's own kernels
# (ATEN_CPU_CAPABILITY) and OpenBLAS (OPENBLAS_CORETYPE) are held to AVX2 as well as ours.
# oneDNN is left alone (DNNL_MAX_CPU_ISA=AVX2 makes its bf16 primitives fail here, where a real
# AVX2 CPU emulates them), and nothing changes an AVX2 CPU's clock or caches: a figure measured
# so is labelled "AVX2 emulated on <this CPU>".
set -euo pipefail
cd "$(dirname "$0")/.."
mambawb=${MAMBAWB:-build/app/cli/mambawb}
preset=${1:-mamba-tiny}
shift || true
batches=("${@:-64 16}")
read -r -a batches <<<"${batches[*]}"
paths=$("$mambawb" info | sed -n 's/^kernel path .*this CPU runs \(.*\); .*/\1/p')
if [[ ${AS_AVX2:-0} == 1 ]]; then
  export ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell
  paths="avx2 generic"
fi
printf '%-8s %6s %10s %10s %12s %12s %8s %8s\n' path batch fp32_img/s bf16_img/s scan_fp32_ms scan_bf16_ms mfu gemm
for batch in "${batches[@]}"; do
  for path in $paths; do
    line=$(MWB_CPU_ISA=$path "$mambawb" bench --preset "$preset" --batch-size "$batch" --steps 3 --json | tail -1)
    python3 - "$path" "$batch" "$line" <<'PY'
import json, sys
path, batch, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(f"{path:8s} {batch:>6s} {j['images_per_s_fp32']:10.2f} {j['images_per_s_bf16']:10.2f} "
      f"{j['scan_fused_ms']:12.1f} {j['scan_fused_bf16_ms']:12.1f} {100*j['mfu']:7.1f}% {j['gemm_gflops']:8.1f}")
PY
  done
done
