"""The course lab's recipe in PyTorch, for comparing test accuracy over seeds with cnnc's main job.

The same network as examples/lab.cnn, initialized as Keras (and cnnc) do: Glorot-uniform weights,
zero biases; pixels scaled to [0, 1]; RMSprop(lr=0.001, rho=0.9, epsilon=1e-7); batch 256; 20
epochs; no validation split. Prints one line per seed: "seed ACCURACY" (test accuracy, 10,000
images). Usage: python pytorch_accuracy.py MNIST_DIR [--seeds 1,2,3,4,5] [--epochs 20] [--threads N]
"""
import argparse
import sys

import torch
from torch import nn

from pytorch_bench import lab, read_idx


def glorot(model):
    for layer in model:
        if isinstance(layer, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model


def train(seed, x_train, y_train, x_test, y_test, epochs, batch):
    torch.manual_seed(seed)
    model = glorot(lab())
    optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    n = x_train.shape[0]
    for _ in range(epochs):
        model.train()
        order = torch.randperm(n)
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            optimizer.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(x_test[i:i + 1000]).argmax(1) for i in range(0, x_test.shape[0], 1000)])
    return (predicted == y_test).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mnist")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    def images(name):
        return torch.tensor(read_idx(args.mnist, name), dtype=torch.float32).unsqueeze(1) / 255

    def labels(name):
        return torch.tensor(read_idx(args.mnist, name), dtype=torch.long)

    x_train, y_train = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    x_test, y_test = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    for seed in (int(s) for s in args.seeds.split(",")):
        accuracy = train(seed, x_train, y_train, x_test, y_test, args.epochs, args.batch)
        print(f"{seed} {accuracy:.4f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
