#!/usr/bin/env python3
"""PyTorch/cuDNN baseline for benchmarks/gpu/run.sh: the network of benchmarks/TorchSharpBaseline/SerNet.cs
(nn.GRU bidirectional on cuDNN with packed sequences, nn.MultiheadAttention with a key-padding mask, masked mean
pooling, Linear + ReLU, Linear), timed with CUDA events at the "paper" configuration: batch 32, FRAMES frames, 400
bins, H 128, 8 heads, 7 classes. Training step = forward, softmax, L1 loss, backward, Adam; inference at batch 1 and
32. Prints one line per measurement, "pytorch NAME MILLISECONDS", NAME as `ser bench` names it.
With --throughput 1,8,32,128,256: utterances per second from 3 s of 16 kHz audio (on the GPU) through the paper's
front end (torch.stft: 640-sample periodic Hann window, hop 160, 1600-point DFT, log(|X|^2 + 1e-10) of bins 0..399),
standardisation and the network to softmax probabilities copied back, "pytorch throughput BATCH UTT/S", as
`ser bench --throughput` prints ours."""
import argparse

import torch
import torch.nn as nn


class SerNet(nn.Module):
    def __init__(self, inputs=400, hidden=128, heads=8, fc=128, classes=7):
        super().__init__()
        self.gru = nn.GRU(inputs, hidden, bidirectional=True, batch_first=True)
        self.attention = nn.MultiheadAttention(2 * hidden, heads)
        self.fc1 = nn.Linear(2 * hidden, fc)
        self.fc2 = nn.Linear(fc, classes)

    def forward(self, x, lengths, lengths_cpu):
        steps = x.shape[1]
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths_cpu, batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        y, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=steps)
        valid = torch.arange(steps, device=x.device)[None, :] < lengths[:, None]
        t = y.transpose(0, 1)  # MultiheadAttention takes [T, B, E]
        o, _ = self.attention(t, t, t, key_padding_mask=~valid, need_weights=False)
        y = o.transpose(0, 1)
        pooled = (y * valid.unsqueeze(2).to(y.dtype)).sum(1) / lengths[:, None].to(y.dtype)
        return self.fc2(torch.relu(self.fc1(pooled)))


def measure(name, rounds, step):
    step()  # warm-up: cuDNN plans, allocator
    torch.cuda.synchronize()
    for _ in range(rounds):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        step()
        end.record()
        end.synchronize()
        print(f"pytorch {name} {start.elapsed_time(end):.3f}", flush=True)


def front_end(audio):
    """[B, samples] on the device -> [B, frames, 400] log power, as our Spectrogram (no centring, no padding)."""
    window = torch.hann_window(640, periodic=True, device=audio.device)
    spec = torch.stft(audio, n_fft=1600, hop_length=160, win_length=640, window=window, center=False,
                      return_complex=True)
    return torch.log(spec.abs().pow(2) + 1e-10)[:, :400, :].transpose(1, 2)


def throughput(net, device, sizes, utterances):
    net.eval()
    generator = torch.Generator().manual_seed(3)
    clips = (0.3 * torch.randn(16, 48000, generator=generator)).to(device)
    with torch.no_grad():
        features = front_end(clips)
        mean, std = features.mean((0, 1)), features.std((0, 1)) + 1e-5
        for b in sizes:
            audio = clips[torch.arange(b) % 16]
            lengths_cpu = torch.full((b,), 1 + (48000 - 640) // 160, dtype=torch.int64)
            lengths = lengths_cpu.to(device)

            def step():
                x = (front_end(audio) - mean) / std
                torch.softmax(net(x, lengths, lengths_cpu), 1).cpu()
            step()  # warm-up
            torch.cuda.synchronize()
            rounds = max(1, (utterances + b - 1) // b)
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(rounds):
                step()
            end.record()
            end.synchronize()
            print(f"pytorch throughput {b} {rounds * b / (start.elapsed_time(end) / 1000):.1f}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--throughput", type=str, default=None)
    parser.add_argument("--utterances", type=int, default=256)
    args = parser.parse_args()
    rounds = 3 if args.quick else 10
    suffix = "" if args.frames == 300 else f"@{args.frames}"
    torch.manual_seed(1)
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    net = SerNet().to(device)
    if args.throughput:
        throughput(net, device, [int(b) for b in args.throughput.split(",")], args.utterances)
        return
    adam = torch.optim.Adam(net.parameters(), lr=1e-4)
    batches = {}
    for b in (1, 32):
        lengths_cpu = torch.full((b,), args.frames, dtype=torch.int64)
        batches[b] = (torch.randn(b, args.frames, 400, device=device), lengths_cpu.to(device), lengths_cpu)
    target = nn.functional.one_hot(torch.arange(32, device=device) % 7, 7).float()

    def train():
        adam.zero_grad(set_to_none=True)
        x, lengths, lengths_cpu = batches[32]
        loss = nn.functional.l1_loss(torch.softmax(net(x, lengths, lengths_cpu), 1), target)
        loss.backward()
        adam.step()

    def infer(b):
        net.eval()
        with torch.no_grad():
            net(*batches[b]).cpu()  # the copy back is part of inference, as in `ser bench`
        net.train()

    measure("train" + suffix, rounds, train)
    measure("infer_b1" + suffix, rounds * 5, lambda: infer(1))
    measure("infer_b32" + suffix, rounds, lambda: infer(32))


if __name__ == "__main__":
    main()
