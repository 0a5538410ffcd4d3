#!/usr/bin/env python3
"""Runs a command and prints: wall time, time to its first line of output, peak RSS of the child, output lines.
Usage: timed.py LABEL -- command...  (stdout is counted, not shown)"""
import resource, subprocess, sys, time

label = sys.argv[1]
command = sys.argv[sys.argv.index('--') + 1:]
t0 = time.perf_counter()
proc = subprocess.Popen(command, stdout=subprocess.PIPE)
first = None
lines = 0
for line in proc.stdout:
    if first is None:
        first = time.perf_counter() - t0
    lines += 1
code = proc.wait()
wall = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f'{label}: wall {wall:.2f} s, first line {first or 0:.2f} s, peak RSS {rss:.0f} MB, {lines} lines, exit {code}')
