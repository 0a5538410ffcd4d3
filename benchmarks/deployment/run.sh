#!/usr/bin/env bash
# Size and cold start of each way `ser` ships on linux-x64: NativeAOT executable, trimmed self-contained single file,
# the framework-dependent build (what the .NET tool runs), and libspeechemotion.so through samples/c/recognize.c.
# Cold start = process start to printed result for one Emo-DB file, median of 7 runs (after one unmeasured run).
# Then the trimmed single file for other platforms, built here and not run (sizes only).
# Usage: benchmarks/deployment/run.sh   (about 5 minutes on 2 cores, most of it publishing)
set -euo pipefail
cd "$(dirname "$0")/../.."
wav=$(realpath "${SER_DATA:-../shared/data}/emodb/wav/03a01Wa.wav")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pub() { dotnet publish "$1" -c Release -r linux-x64 --artifacts-path "$out/artifacts-$2" -o "$out/$2" -v q -nologo \
  "${@:3}" >/dev/null; }
pub src/SpeechEmotion.Cli native -p:PublishAot=true
pub src/SpeechEmotion.Cli single --self-contained -p:PublishTrimmed=true -p:PublishSingleFile=true \
  -p:IncludeNativeLibrariesForSelfExtract=true
pub src/SpeechEmotion.CApi lib
dotnet build src/SpeechEmotion.Cli -c Release -v q -nologo >/dev/null
cc -O2 samples/c/recognize.c -Isrc/SpeechEmotion.CApi -L"$out/lib" -lspeechemotion -lm -o "$out/recognize"
tool=src/SpeechEmotion.Cli/bin/Release/net10.0
python3 - "$wav" "$out" "$tool" <<'PY'
import os, statistics, subprocess, sys, time
wav, out, tool = sys.argv[1:]
def mb(*paths): return sum(os.path.getsize(p) for p in paths) / 1e6
def cold(cmd, env=None):
    runs = []
    for i in range(8):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=out)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs[1:]) * 1000
skia = [f'{out}/native/libSkiaSharp.so', f'{out}/native/libHarfBuzzSharp.so']
rows = [
    ('ser, NativeAOT (one executable)', mb(f'{out}/native/ser'), cold([f'{out}/native/ser', 'predict', wav])),
    ('  + SkiaSharp libraries for --png', mb(f'{out}/native/ser', *skia), None),
    ('ser, trimmed self-contained single file', mb(f'{out}/single/ser'), cold([f'{out}/single/ser', 'predict', wav])),
    ('ser, framework-dependent (the .NET tool)', None, cold(['dotnet', f'{os.path.abspath(tool)}/ser.dll', 'predict', wav])),
    ('libspeechemotion.so + recognize.c', mb(f'{out}/lib/libspeechemotion.so'),
     cold([f'{out}/recognize', '-', wav], dict(os.environ, LD_LIBRARY_PATH=f'{out}/lib'))),
]
print('| artefact | size (MB) | cold start, one file (ms) |')
print('|---|---|---|')
for name, size, ms in rows:
    print(f'| {name} | {"—" if size is None else f"{size:.1f}"} | {"—" if ms is None else f"{ms:.0f}"} |')
PY
for rid in linux-arm64 win-x64 osx-arm64; do
  dotnet publish src/SpeechEmotion.Cli -c Release -r $rid --self-contained -p:PublishTrimmed=true \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true --artifacts-path "$out/artifacts-$rid" \
    -o "$out/$rid" -v q -nologo >/dev/null
  exe=$(ls "$out/$rid"/ser "$out/$rid"/ser.exe 2>/dev/null)
  size=$(awk -v b="$(stat -c %s "$exe")" 'BEGIN { printf "%.1f", b / 1e6 }')
  echo "| ser, trimmed single file, $rid (built, not run here) | $size | — |"
done
