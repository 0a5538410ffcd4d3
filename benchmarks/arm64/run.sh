#!/usr/bin/env bash
# The linux-arm64 builds, the same binaries a Raspberry Pi 4 or a Graviton would run, executed under qemu-user on an
# x64 machine. `ser` as one NativeAOT executable (cross-linked with Debian's aarch64 gcc through ./aarch64-linker):
# `ser gradcheck` must pass, and `ser predict` over the Emo-DB files must give the x64 build's top labels with
# probabilities within 1e-5; then the same for libspeechemotion.so called by samples/c/recognize.c. Needs (Debian): qemu-user, the arm64 runtime
# libraries and the cross compiler —
#   dpkg --add-architecture arm64 && apt-get update && apt-get install qemu-user libc6:arm64 libstdc++6:arm64 \
#     libssl3:arm64 gcc-aarch64-linux-gnu
# Usage: benchmarks/arm64/run.sh [FILES]   (FILES: how many Emo-DB files, default all 535; about 8 minutes on 2 cores, most of it emulated)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-535}
data=$(realpath "${SER_DATA:-../shared/data}/emodb/wav")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
here=$(pwd)/benchmarks/arm64
cross=(-p:CppCompilerAndLinker="$here/aarch64-linker" -p:ObjCopyName=aarch64-linux-gnu-objcopy)
# Own artifacts folders: a RID-specific restore must not rewrite the build tree's assets files.
dotnet publish src/SpeechEmotion.Cli -c Release -r linux-arm64 -p:PublishAot=true "${cross[@]}" \
  --artifacts-path "$out/artifacts-ser" -o "$out/arm64" -v q -nologo >/dev/null
dotnet build src/SpeechEmotion.Cli -c Release -v q -nologo >/dev/null
file "$out/arm64/ser" | cut -d, -f1-2
ls -l "$out/arm64/ser" | awk '{print "ser (arm64, NativeAOT):", $5, "bytes"}'
mapfile -t files < <(find "$data" -name '*.wav' | sort | head -n "$count")
cd "$out" # outside the repository: both builds use the model built into the library
qemu-aarch64 arm64/ser gradcheck | tail -n 2
start=$(date +%s)
qemu-aarch64 arm64/ser predict --json "${files[@]}" > arm64.jsonl
echo "arm64 predict of ${#files[@]} files under qemu: $(( $(date +%s) - start )) s"
cd - >/dev/null
dotnet src/SpeechEmotion.Cli/bin/Release/net10.0/ser.dll predict --model models/emodb.ser --json "${files[@]}" > "$out/x64.jsonl"
python3 - "$out/x64.jsonl" "$out/arm64.jsonl" <<'PY'
import json, sys
a = [json.loads(l) for l in open(sys.argv[1])]
b = [json.loads(l) for l in open(sys.argv[2])]
assert [x['path'] for x in a] == [x['path'] for x in b], 'different files'
same = sum(x['emotion'] == y['emotion'] for x, y in zip(a, b))
worst = max(abs(x['probabilities'][k] - y['probabilities'][k]) for x, y in zip(a, b) for k in x['probabilities'])
print(f'x64 vs arm64: {same}/{len(a)} top labels identical, largest probability difference {worst:.2e}')
sys.exit(0 if same == len(a) and worst <= 1e-5 else 1)
PY
dotnet publish src/SpeechEmotion.CApi -c Release -r linux-arm64 "${cross[@]}" --artifacts-path "$out/artifacts-lib" \
  -o "$out/lib-arm64" -v q -nologo >/dev/null
dotnet publish src/SpeechEmotion.CApi -c Release -r linux-x64 --artifacts-path "$out/artifacts-lib" \
  -o "$out/lib-x64" -v q -nologo >/dev/null
ls -l "$out/lib-arm64/libspeechemotion.so" | awk '{print "libspeechemotion.so (arm64):", $5, "bytes"}'
aarch64-linux-gnu-gcc -O2 samples/c/recognize.c -Isrc/SpeechEmotion.CApi -L"$out/lib-arm64" -lspeechemotion -lm \
  -o "$out/recognize-arm64"
cc -O2 samples/c/recognize.c -Isrc/SpeechEmotion.CApi -L"$out/lib-x64" -lspeechemotion -lm -o "$out/recognize-x64"
start=$(date +%s)
qemu-aarch64 -E LD_LIBRARY_PATH="$out/lib-arm64" "$out/recognize-arm64" - "${files[@]}" > "$out/c-arm64.txt"
echo "arm64 C library over ${#files[@]} files under qemu: $(( $(date +%s) - start )) s"
LD_LIBRARY_PATH="$out/lib-x64" "$out/recognize-x64" - "${files[@]}" > "$out/c-x64.txt"
python3 - "$out/c-x64.txt" "$out/c-arm64.txt" <<'PY'
import sys
a, b = (open(p).read().split('\n') for p in sys.argv[1:])
assert len(a) == len(b)
labels = sum(1 for x, y in zip(a, b) if x and ' ' not in x and x == y)
worst = max(abs(float(x.split()[1]) - float(y.split()[1])) for x, y in zip(a, b) if ' ' in x)
files = sum(1 for x in a if x and ' ' not in x)
print(f'C library x64 vs arm64: {labels}/{files} top labels identical, largest probability difference {worst:.2e}')
sys.exit(0 if labels == files and worst <= 1e-5 else 1)
PY
