#!/usr/bin/env python3
"""PyTorch/cuDNN baseline for benchmarks/gpu/run.sh: the network of benchmarks/TorchSharpBaseline/SerNet.cs
(nn.GRU bidirectional on cuDNN with packed sequences, nn.MultiheadAttention with a key-padding mask, masked mean
pooling, Linear + ReLU, Linear), timed with CUDA events at the "paper" configuration: batch 32, FRAMES frames, 400
bins, H 128, 8 heads, 7 classes. Training step = forward, softmax, L1 loss, backward, Adam; inference at batch 1 and
32. Prints one line per measurement, "pytorch NAME MILLISECONDS", NAME as `ser bench` names it."""
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 3 if args.quick else 10
    suffix = "" if args.frames == 300 else f"@{args.frames}"
    torch.manual_seed(1)
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    net = SerNet().to(device)
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
