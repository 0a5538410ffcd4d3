#!/usr/bin/env bash
# Runs our cpu backend and TorchSharp-cpu (the identical model) alternately, A B A B, at the "paper" configuration
# (batch 32, 300 frames, H 128, 8 heads) with the same thread count, prints medians and ends with one line
#   ours/torchsharp train=R1 infer_b1=R2 infer_b32=R3      (time ratios at 300 frames; below 1 means we are faster)
# Usage: benchmarks/compare-torchsharp.sh [--quick] [--sweep]
#   --quick: under two minutes on 2 cores.  --sweep: also 100 and 900 frames (how cost grows with utterance length).
# TorchSharp 0.107's libtorch needs glibc >= 2.38. On older systems (Debian 12) it runs through
# ../shared/tools/glibc-shim when that exists; set TORCH_RUNNER="" to run it directly on a newer system.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""; rounds=3; frames="300"
for a in "$@"; do
  case "$a" in
    --quick) quick="--quick"; rounds=2 ;;
    --sweep) frames="100 300 900" ;;
    *) echo "usage: $0 [--quick] [--sweep]" >&2; exit 2 ;;
  esac
done
runner=${TORCH_RUNNER-}
[ -z "${TORCH_RUNNER+x}" ] && [ -x ../shared/tools/glibc-shim ] && runner=../shared/tools/glibc-shim
dotnet build -c Release benchmarks/SpeechEmotion.Benchmarks -v q -nologo >/dev/null
dotnet build -c Release benchmarks/TorchSharpBaseline -v q -nologo >/dev/null
ours=benchmarks/SpeechEmotion.Benchmarks/bin/Release/net10.0/SpeechEmotion.Benchmarks.dll
theirs=benchmarks/TorchSharpBaseline/bin/Release/net10.0/TorchSharpBaseline.dll
log=$(mktemp)
for f in $frames; do
  for i in $(seq "$rounds"); do
    dotnet "$ours" paper-steps $quick --frames "$f" | tee -a "$log"
    $runner dotnet "$theirs" bench $quick --frames "$f" | grep '^torchsharp ' | tee -a "$log"
  done
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
. benchmarks/ratios.sh
for f in $frames; do [ "$f" = 300 ] || ratios "$log" torchsharp "@$f"; done
ratios "$log" torchsharp ""
