"""Writes cnnc-core/src/test/resources/pytorch/batchnorm-step.safetensors: one training step and one evaluation of a
small network with batch normalization (per channel and per unit), leaky ReLU and ELU with their own
slope and alpha, computed by PyTorch, for PyTorchBatchNormTest to compare cnnc's generated code with.

The file holds the network's .cnn source (metadata cnn_source), its parameters under cnnc's tensor names
(PyTorch's layouts), the input batch in H, W, C order, the labels, and under expected/ what PyTorch
computed: the softmax outputs and summed cross-entropy loss of the training-mode forward pass, the
gradient of that loss for every parameter and the input, the running averages after the step, and the
outputs in eval mode afterwards. Run with the bench's Python (bench/.venv/bin/python, PyTorch 2.13):

    bench/.venv/bin/python bench/pytorch_batchnorm_reference.py
"""
import json
import struct
from pathlib import Path

import torch
from torch import nn

SOURCE = """input 8x8x2
conv 4 3x3 nobias
batchnorm
leakyrelu 0.1
pool 2x2
conv 3 2x2
batchnorm momentum 0.9 epsilon 1e-5
elu 0.5
pool avg global
dense 5 nobias
batchnorm momentum 0.8
relu
dense 4 softmax
"""

# cnnc's names for the modules' parameters; PyTorch's BatchNorm momentum is 1 - Keras' (cnnc's).
NAMES = {"0": "conv1", "1": "bn1", "4": "conv2", "5": "bn2", "9": "dense1", "10": "bn3", "12": "dense2"}


def network():
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, bias=False), nn.BatchNorm2d(4, eps=1e-3, momentum=0.01), nn.LeakyReLU(0.1), nn.MaxPool2d(2),
        nn.Conv2d(4, 3, 2), nn.BatchNorm2d(3, eps=1e-5, momentum=0.1), nn.ELU(0.5), nn.AdaptiveAvgPool2d(1),
        nn.Flatten(), nn.Linear(3, 5, bias=False), nn.BatchNorm1d(5, eps=1e-3, momentum=0.2), nn.ReLU(),
        nn.Linear(5, 4))


def cnnc_name(key):
    module, field = key.split(".", 1)
    return NAMES[module] + "." + field


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    data = bytearray()
    for name, tensor in tensors.items():
        raw = tensor.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + bytes(data))


def main():
    torch.manual_seed(20261127)
    model = network()
    with torch.no_grad():
        for module in model:
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                # away from the defaults, so that a mix-up of scale, shift, mean and variance shows
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
                module.running_mean.uniform_(-0.3, 0.3)
                module.running_var.uniform_(0.5, 2.0)
    tensors = {}
    for key, value in model.state_dict().items():
        if not key.endswith("num_batches_tracked"):
            tensors[cnnc_name(key)] = value.clone()

    x = torch.randn(6, 2, 8, 8, requires_grad=True)
    labels = torch.tensor([0, 1, 2, 3, 1, 2])
    model.train()
    logits = model(x)
    loss = nn.functional.cross_entropy(logits, labels, reduction="sum")
    loss.backward()

    tensors["input"] = x.detach().permute(0, 2, 3, 1).clone()  # N, H, W, C: the order cnnc's forward takes
    tensors["labels"] = labels.to(torch.float32)
    tensors["expected/train_output"] = torch.softmax(logits, dim=1).detach()
    tensors["expected/loss"] = loss.detach().reshape(1)
    tensors["expected/input_grad"] = x.grad.permute(0, 2, 3, 1).clone()
    for key, param in model.named_parameters():
        tensors["expected/grad/" + cnnc_name(key)] = param.grad.clone()
    for key, value in model.state_dict().items():
        if "running" in key:
            tensors["expected/after/" + cnnc_name(key)] = value.clone()
    model.eval()
    with torch.no_grad():
        tensors["expected/eval_output"] = torch.softmax(model(x), dim=1)

    out = Path(__file__).resolve().parent.parent / "cnnc-core/src/test/resources/pytorch/batchnorm-step.safetensors"
    write_safetensors(out, tensors, {"cnn_source": SOURCE, "torch_version": torch.__version__})
    print("wrote", out)


if __name__ == "__main__":
    main()
