#!/usr/bin/env bash
# On the GPU machine: unpack artifacts/ser-gpu.tar.gz, then run this. Checks every kernel against the CPU reference at
# the paper's size on the GPU and prints the table last. DEVICE=ilgpu-cpu runs the same script without a GPU.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
device="${DEVICE:-cuda}"
size="${SIZE:-full}"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
"$here/ser/ser" doctor --device "$device" --size "$size" --seed 1
rc=$?
echo "doctor exit code: $rc"
exit $rc
