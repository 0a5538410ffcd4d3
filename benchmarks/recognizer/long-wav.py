#!/usr/bin/env python3
"""Writes a long 16 kHz 16-bit mono WAV by concatenating Emo-DB files (sorted, repeated as needed) with 0.5 s of
silence between them, or between groups of GLUE files joined back to back (longer stretches of speech).
Usage: long-wav.py EMODB_WAV_DIR MINUTES OUT.wav [GLUE]  (plain Python, no numpy)."""
import os, sys, wave

src, minutes, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
glue = int(sys.argv[4]) if len(sys.argv) > 4 else 1
files = sorted(f for f in os.listdir(src) if f.endswith('.wav'))
target = int(minutes * 60 * 16000)
silence = b'\0\0' * 8000
written = 0
with wave.open(out, 'wb') as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    i = 0
    while written < target:
        with wave.open(os.path.join(src, files[i % len(files)]), 'rb') as r:
            assert r.getframerate() == 16000 and r.getsampwidth() == 2 and r.getnchannels() == 1
            frames = r.readframes(r.getnframes())
        chunk = (frames + (silence if (i + 1) % glue == 0 else b''))[: 2 * (target - written)]
        w.writeframes(chunk)
        written += len(chunk) // 2
        i += 1
print(f'{out}: {written / 16000 / 60:.1f} min from {i} files')
