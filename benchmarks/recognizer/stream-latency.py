#!/usr/bin/env python3
"""Feeds a 16 kHz 16-bit mono WAV to `ser stream --raw --json` at real time in 10 ms chunks and measures, for every
segment, the time from the moment the audio that closes it had been written (segment end − padding + minimum
silence, the detector's defaults 0.1 s and 0.3 s; the end itself for a segment cut at the 10 s maximum) to the
moment its line was read. Prints median and 95th percentile.
Usage: stream-latency.py FILE.wav [--verbose] -- ser-command... """
import json, statistics, subprocess, sys, threading, time, wave

path = sys.argv[1]
command = sys.argv[sys.argv.index('--') + 1:]
with wave.open(path, 'rb') as r:
    pcm = r.readframes(r.getnframes())
proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
arrivals = []
def reader():
    for line in proc.stdout:
        if line.startswith(b'{'):
            arrivals.append((time.perf_counter(), json.loads(line)))
threading.Thread(target=reader, daemon=True).start()
time.sleep(3)  # model load and JIT before the clock starts
chunk = 320  # 10 ms of 16-bit samples
t0 = time.perf_counter()
for k in range(0, len(pcm), chunk):
    delay = t0 + k / 32000 - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    proc.stdin.write(pcm[k:k + chunk])
proc.stdin.close()
proc.wait()
lat = []
for t, seg in arrivals:
    cut = seg['end'] - seg['start'] >= 9.99  # cut at the 10 s maximum: closed when its last sample arrived
    closed = seg['end'] if cut else seg['end'] - 0.1 + 0.3
    if closed * 32000 < len(pcm):  # closed by a pause, not by the end of input
        lat.append(1000 * (t - (t0 + closed)))
if '--verbose' in sys.argv[:sys.argv.index('--')]:
    for t, seg in arrivals:
        length = seg['end'] - seg['start']
        print(f"{length:5.2f} s segment ends {seg['end']:7.2f} s, read {t - t0:7.2f} s", file=sys.stderr)
lat.sort()
p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
longest = max(s['end'] - s['start'] for _, s in arrivals)
print(f'stream latency: {len(lat)} segments (longest {longest:.1f} s), median {statistics.median(lat):.1f} ms, '
      f'p95 {p95:.1f} ms, max {lat[-1]:.1f} ms')
