"""The same networks and recipe as cnnc's benchmark, in PyTorch, on the same machine.

Prints one JSON object per network on stdout: seconds per training epoch (median of the timed
epochs after a warm-up epoch), test-set inference throughput and single-image latency.
Usage: python pytorch_bench.py MNIST_DIR [--threads N] [--epochs N] [--device cpu|cuda]
With --device cuda the data is moved to the GPU once, before the first epoch, and each timing
waits for the GPU to finish.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(directory, name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            opener = gzip.open if candidate.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"missing {name} in {directory}")


def lab():
    # input 28x28x1; conv 10 3x3 relu; pool 2x2; conv 5 3x3 relu; pool 2x2; flatten; dense 64 relu; dense 10 softmax
    return nn.Sequential(
        nn.Conv2d(1, 10, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(10, 5, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(125, 64), nn.ReLU(), nn.Linear(64, 10))


def mlp():
    # input 28x28x1; flatten; dense 500 relu; dropout 0.3; dense 300 relu; dropout 0.3; dense 10 softmax
    return nn.Sequential(
        nn.Flatten(), nn.Linear(784, 500), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(500, 300), nn.ReLU(), nn.Dropout(0.3), nn.Linear(300, 10))


def bench(name, model, batch, x_train, y_train, x_test, epochs, device):
    torch.manual_seed(1)
    model = model.to(device)
    x_train, y_train, x_test = x_train.to(device), y_train.to(device), x_test.to(device)

    def wait():
        if device.type == "cuda":
            torch.cuda.synchronize()

    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()  # softmax + categorical cross-entropy, fused
    n = x_train.shape[0]
    times = []
    for epoch in range(epochs + 1):  # the first epoch warms up
        model.train()
        order = torch.randperm(n, device=device)
        wait()
        start = time.perf_counter()
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        wait()
        if epoch > 0:
            times.append(time.perf_counter() - start)
    model.eval()
    with torch.no_grad():
        for _ in range(2):
            start = time.perf_counter()
            for i in range(0, x_test.shape[0], 256):
                model(x_test[i:i + 256])
            wait()
            throughput_seconds = time.perf_counter() - start
        one = x_test[:1]
        for _ in range(500):
            model(one)
        latencies = []
        for i in range(5000):
            image = x_test[i % 1000:i % 1000 + 1]
            start = time.perf_counter_ns()
            model(image)
            wait()
            latencies.append((time.perf_counter_ns() - start) / 1000)
    latencies.sort()
    return {
        "network": name,
        "epoch_seconds": statistics.median(times),
        "epochs_timed": len(times),
        "images_per_second": x_test.shape[0] / throughput_seconds,
        "latency_median_us": latencies[len(latencies) // 2],
        "latency_p99_us": latencies[int(len(latencies) * 0.99)],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--networks", default="lab,mlp")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    # NNPACK does not run on this CPU and would warn on every call, which slows every call down.
    if hasattr(torch.backends, "nnpack"):
        torch.backends.nnpack.set_flags(False)
    x_train = torch.from_numpy(read_idx(args.mnist, "train-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
    y_train = torch.from_numpy(read_idx(args.mnist, "train-labels-idx1-ubyte").astype(np.int64))
    x_test = torch.from_numpy(read_idx(args.mnist, "t10k-images-idx3-ubyte").astype(np.float32) / 255).unsqueeze(1)
    for name in args.networks.split(","):
        model, batch = (lab(), 256) if name == "lab" else (mlp(), 128)
        result = bench(name, model, batch, x_train, y_train, x_test, args.epochs, torch.device(args.device))
        result["torch"] = torch.__version__
        result["threads"] = args.threads
        result["device"] = args.device
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
