#!/usr/bin/env bash
# On the GPU machine: unpack artifacts/ser-gpu.tar.gz, then run this.
#  1. `ser doctor` checks every kernel against the CPU reference at the paper's size on the GPU.
#  2. Our cuda backend (`ser bench`) and PyTorch/cuDNN (pytorch_baseline.py, when python3 has torch with CUDA) run
#     alternately, A B A B, at each frame count; medians, then one line per length
#       ours/pytorch[@FRAMES] train=R1 infer_b1=R2 infer_b32=R3      (time ratios; below 1 means we are faster)
#  3. `ser bench --profile` at the first frame count: time per op of a training step and a batch-1 inference.
#  4. `ser bench --throughput` and pytorch_baseline.py --throughput (THROUGHPUT: batch sizes, "1,8,32,128,256"):
#     3 s clips from samples to probabilities, the front end on the GPU in both (FrontEndKernels; torch.stft).
#  5. The GRU kernels A/B at the first frame count: tiled (the default, one barrier per step) against sliced
#     (SER_GRU_KERNEL=sliced, two barriers per step), ROUNDS alternations, medians of each:
#       gru tiled/sliced train=R1 infer_b1=R2 infer_b32=R3
#  6. TF32 tensor cores: `ser doctor --precision tf32` at SIZE, then bench --precision tf32 against fp32 alternately:
#       precision tf32/fp32 train=R1 infer_b1=R2 infer_b32=R3
# Environment: DEVICE (cuda), SIZE (full), FRAMES ("300"; e.g. "100 300 900"), ROUNDS (2), QUICK (--quick; "" for 10
# rounds per program), LIMIT (seconds each program may run, 300). DEVICE=ilgpu-cpu SIZE=small FRAMES=4 runs the same
# script without a GPU (slowly).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
device="${DEVICE:-cuda}"; size="${SIZE:-full}"; frames="${FRAMES:-300}"; rounds="${ROUNDS:-2}"; quick="${QUICK---quick}"
limit="${LIMIT:-300}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
timeout "$limit" "$here/ser/ser" doctor --device "$device" --size "$size" --seed 1
rc=$?
echo "doctor exit code: $rc"
torch=0
python3 -c "import torch; assert torch.cuda.is_available(); print('pytorch', torch.__version__, 'cudnn', torch.backends.cudnn.version())" && torch=1
log=$(mktemp)
for f in $frames; do
  for i in $(seq "$rounds"); do
    timeout "$limit" "$here/ser/ser" bench --device "$device" --frames "$f" $quick | grep '^ours ' | tee -a "$log"
    [ "$torch" = 1 ] && timeout "$limit" python3 "$here/pytorch_baseline.py" --frames "$f" $quick | grep '^pytorch ' | tee -a "$log"
  done
done
. "$here/ratios.sh"
if [ "$torch" = 1 ]; then
  for f in $frames; do [ "$f" = 300 ] && ratios "$log" pytorch "" || ratios "$log" pytorch "@$f"; done
else
  echo "no PyTorch with CUDA here: our timings only"
  for f in $frames; do s=$([ "$f" = 300 ] || echo "@$f"); for m in train infer_b1 infer_b32; do echo "$m$s ours $(median "$log" ours "$m$s") ms (median)"; done; done
fi
timeout "$limit" "$here/ser/ser" bench --device "$device" --frames "${frames%% *}" --quick --profile | grep '^profile '
# 4. End-to-end throughput, 3 s clips from samples to probabilities, at each batch size; ours then PyTorch's.
sizes="${THROUGHPUT:-1,8,32,128,256}"
timeout "$limit" "$here/ser/ser" bench --device "$device" --throughput "$sizes" | grep '^ours throughput'
[ "$torch" = 1 ] && timeout "$limit" python3 "$here/pytorch_baseline.py" --throughput "$sizes" \
  | grep '^pytorch throughput'
# 5 and 6. Alternating A/B runs of `ser bench` at the first frame count; ab LABEL A B prints each median and the line
# "LABEL A/B train=R1 infer_b1=R2 infer_b32=R3" (time ratios) from bench_A and bench_B.
first="${frames%% *}"; sfx=$([ "$first" = 300 ] || echo "@$first")
bench() { timeout "$limit" "$here/ser/ser" bench --device "$device" --frames "$first" $quick "$@"; }
bench_tiled() { bench; }
bench_sliced() { (export SER_GRU_KERNEL=sliced; bench); }
bench_tf32() { bench --precision tf32; }
bench_fp32() { bench --precision fp32; }
ab() {
  local label=$1 a=$2 b=$3 log line m x y side i; log=$(mktemp)
  for i in $(seq "$rounds"); do
    for side in "$a" "$b"; do "bench_$side" | grep '^ours ' | sed "s/^ours /$side /" >>"$log"; done
  done
  line="$label $a/$b"
  for m in train infer_b1 infer_b32; do
    x=$(median "$log" "$a" "$m$sfx"); y=$(median "$log" "$b" "$m$sfx")
    printf '%-10s %s %10.3f ms   %s %10.3f ms   (medians)\n' "$m" "$a" "$x" "$b" "$y"
    line="$line $m=$(awk -v p="$x" -v q="$y" 'BEGIN {printf "%.2f", p/q}')"
  done
  echo "$line"
}
ab gru tiled sliced
# 6. TF32 GEMMs: the kernels at TF32 tolerance, then the timings against fp32 (tiled GRU in both).
timeout "$limit" "$here/ser/ser" doctor --device "$device" --size "$size" --seed 1 --precision tf32 | tail -4
ab precision tf32 fp32
echo "doctor exit code: $rc"
exit $rc
