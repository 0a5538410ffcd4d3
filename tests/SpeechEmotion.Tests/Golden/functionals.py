#!/usr/bin/python3
"""Writes functionals-golden.json: the 144 utterance functionals (UtteranceFunctionals' definition) of three Emo-DB
files, computed independently with numpy/scipy (Debian python3-numpy, python3-scipy).
Usage: functionals.py EMODB_WAV_FOLDER > functionals-golden.json"""
import json, sys
import numpy as np
from scipy.fft import dct
from scipy.io import wavfile

def mel_fb(n_mels=40, n_fft=512, sr=16000, fmax=8000):
    hz2mel = lambda f: 2595 * np.log10(1 + f / 700)
    mel2hz = lambda m: 700 * (10 ** (m / 2595) - 1)
    pts = mel2hz(np.linspace(0, hz2mel(fmax), n_mels + 2))
    pts[-1] = fmax
    bins = np.arange(n_fft // 2 + 1) * sr / n_fft
    fb = np.zeros((n_mels, len(bins)))
    for i in range(n_mels):
        l, c, r = pts[i:i + 3]
        fb[i] = np.maximum(0, np.minimum((bins - l) / (c - l), (r - bins) / (r - c)))
    return fb

def functionals(x):
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(400) / 400)  # periodic Hann
    if len(x) < 400: x = np.pad(x, (0, 400 - len(x)))
    n = 1 + (len(x) - 400) // 160
    frames = np.stack([x[i * 160:i * 160 + 400] * win for i in range(n)])
    P = np.abs(np.fft.rfft(frames, 512, axis=1)) ** 2  # [frames, 257]
    M = np.log(P @ mel_fb().T + 1e-10)                 # [frames, 40]
    C = dct(M, type=2, norm='ortho', axis=1)[:, :20]
    e = np.log(P.sum(1) + 1e-10)
    D = np.diff(C, axis=0)
    dstd = D.std(0) if n > 1 else np.zeros(20)
    return np.concatenate([C.mean(0), C.std(0), dstd, M.mean(0), M.std(0), [e.mean(), e.std(), e.max() - e.min(), n]])

out = {}
for name in ['03a01Wa', '08b02Nb', '16a07Fa']:
    sr, x = wavfile.read(f'{sys.argv[1]}/{name}.wav')
    assert sr == 16000 and x.dtype == np.int16
    out[name] = [float(v) for v in functionals(x.astype(np.float64) / 32768.0)]
json.dump(out, sys.stdout, indent=1)
