#!/usr/bin/env bash
# Publishes `ser` self-contained for linux-x64 (the GPU machine has no .NET SDK) and tars it with run.sh, the PyTorch
# baseline and ratios.sh.
# Output: artifacts/ser-gpu.tar.gz (< 60 MB). Usage: benchmarks/gpu/pack.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
out=artifacts/ser-gpu
rm -rf "$out" artifacts/ser-gpu.tar.gz
dotnet publish src/SpeechEmotion.Cli -c Release -r linux-x64 --self-contained true -p:DebugType=none -o "$out/ser" >/dev/null
cp benchmarks/gpu/run.sh benchmarks/gpu/pytorch_baseline.py benchmarks/ratios.sh "$out/"
tar -C artifacts -czf artifacts/ser-gpu.tar.gz ser-gpu
size=$(stat -c %s artifacts/ser-gpu.tar.gz)
echo "artifacts/ser-gpu.tar.gz: $((size / 1024 / 1024)) MiB"
[ "$size" -lt $((60 * 1024 * 1024)) ] || { echo "archive is over 60 MB" >&2; exit 1; }
