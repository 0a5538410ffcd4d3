#!/usr/bin/env bash
# Recognizer benchmarks: `ser predict` over Emo-DB (wall, first result, peak RSS), `ser segments` over 10- and
# 60-minute recordings built from Emo-DB (wall, peak RSS, linearity), and `ser stream` latency with audio fed at real
# time. Takes about 7 minutes on 2 cores (3 of them the real-time stream). Usage: benchmarks/recognizer/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${SER_DATA:-../shared/data}/emodb/wav
here=benchmarks/recognizer
dotnet build -c Release src/SpeechEmotion.Cli -v q -nologo >/dev/null
ser=(dotnet src/SpeechEmotion.Cli/bin/Release/net10.0/ser.dll)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
python3 "$here/timed.py" "predict emodb (535 files)" -- "${ser[@]}" predict "$data" --json
for minutes in 10 30 60; do
  python3 "$here/long-wav.py" "$data" "$minutes" "$tmp/long$minutes.wav" >/dev/null
  python3 "$here/timed.py" "segments ${minutes} min" -- "${ser[@]}" segments "$tmp/long$minutes.wav" --json
done
python3 "$here/long-wav.py" "$data" 3 "$tmp/stream.wav" 4 >/dev/null # segments of 5-10 s
python3 "$here/stream-latency.py" "$tmp/stream.wav" -- "${ser[@]}" stream --raw --json
