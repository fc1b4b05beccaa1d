"""The PyTorch side of the checkpoint round trips between tapegrad and torch.optim (docs/interop.md).

Run through `npx -y pnpm@12.21.0 interop:torch` (packages/demo/scripts/torchInterop.ts), which first
writes, into a work folder, for each run <name> in (mlp, cnn: Adam; cnn-sgd: SGD with momentum):
  <name>-init.pt         tapegrad's initial weights, the batch, the optimizer and the parameter order
  <name>-tapegrad-30.pt  tapegrad's checkpoint after 30 steps: {"model": ..., "optimizer": ...}
and then runs: /usr/bin/python3 torch_side.py <folder>   (Debian's python3-torch, PyTorch 1.13)

For each model this script writes:
  <name>-torch-30.pt     PyTorch's checkpoint after 30 steps, the same form
  <name>-result.pt       {"reference": weights after 60 steps in PyTorch alone,
                          "continued": weights after tapegrad's 30 steps and then 30 here}
and checks that "continued" equals "reference" to 1e-10 relative (the largest difference over the
largest magnitude, tensor by tensor). It also checks that tapegrad's optimizer state has the keys,
param groups, shapes and dtypes of PyTorch's own. It also writes sample.pt, a small
file of the value kinds a checkpoint holds (views, int64, float32, tuples, int-keyed dicts), for the
format's reader tests (committed as packages/core/test/fixtures/torch-sample.pt).
"""
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
RTOL = 1e-10


class DigitsCnn(nn.Module):
    """packages/demo/src/nnModels.ts's DigitsCnn, module for module (so the state-dict names agree)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.head = nn.Linear(32 * 2 * 2, 10)

    def forward(self, x):
        return self.head(self.features(x.reshape(x.shape[0], 1, 8, 8)))


def build(architecture):
    if architecture == "mlp":  # the lecture's network: tapegrad's mlp([784, 256, 128, 10])
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return DigitsCnn()


def fresh(init):
    model = build(init["architecture"])
    names = [n for n, _ in model.named_parameters()]
    assert names == init["param_names"], f"parameter order differs: torch {names}, tapegrad {init['param_names']}"
    model.load_state_dict(init["model"])
    return model, optimizer_for(model, init)


def optimizer_for(model, init):
    options = dict(init["optimizer"])
    return getattr(torch.optim, options.pop("name"))(model.parameters(), **options)


def train(model, optimizer, init, steps):
    x, y = init["x"], init["y"].long()
    for _ in range(steps):
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()


def weights(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def worst_error(got, want):
    return max(((got[k] - w).abs().max() / w.abs().max()).item() for k, w in want.items())


def check_layout(ours, theirs, name):
    """tapegrad's optimizer state must have torch.optim's keys, groups and tensor shapes and dtypes."""
    assert ours["param_groups"] == theirs["param_groups"], f"{name}: param_groups {ours['param_groups']} != {theirs['param_groups']}"
    assert ours["state"].keys() == theirs["state"].keys(), f"{name}: state keys differ"
    for i, s in theirs["state"].items():
        assert s.keys() == ours["state"][i].keys(), f"{name}: state[{i}] keys {list(ours['state'][i])} != {list(s)}"
        for k, t in s.items():
            o = ours["state"][i][k]
            assert o.shape == t.shape, f"{name}: state[{i}][{k}] shape {o.shape} != {t.shape}"
            assert k == "step" or o.dtype == t.dtype, f"{name}: state[{i}][{k}] dtype {o.dtype} != {t.dtype}"


def run(folder, name):
    init = torch.load(os.path.join(folder, f"{name}-init.pt"))
    steps = init["steps"]

    model, optimizer = fresh(init)
    train(model, optimizer, init, 2 * steps)
    reference = weights(model)

    model, optimizer = fresh(init)
    train(model, optimizer, init, steps)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, os.path.join(folder, f"{name}-torch-30.pt"))
    torch_half = optimizer.state_dict()

    checkpoint = torch.load(os.path.join(folder, f"{name}-tapegrad-30.pt"))
    check_layout(checkpoint["optimizer"], torch_half, name)
    model = build(init["architecture"])
    optimizer = optimizer_for(model, init)  # its state and options come from the checkpoint
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    train(model, optimizer, init, steps)
    continued = weights(model)

    torch.save({"reference": reference, "continued": continued}, os.path.join(folder, f"{name}-result.pt"))
    error = worst_error(continued, reference)
    print(f"{name}: {steps} {init['optimizer']['name']} steps in tapegrad, then {steps} in PyTorch from its checkpoint, against {2 * steps} in PyTorch: relative error {error:.2e}")
    assert error <= RTOL, f"{name}: relative error {error} exceeds {RTOL}"


def sample(folder):
    """A file of every value kind the reader must handle, as PyTorch itself writes them."""
    base = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    linear = nn.Linear(2, 3)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, -2.0], [0.5, 0.25], [-1.5, 3.0]]))
        linear.bias.copy_(torch.tensor([0.125, -0.5, 2.0]))
    torch.save({
        "state_dict": linear.state_dict(),  # an OrderedDict with _metadata, pickled with BUILD
        "transposed": base.t(),  # a view: the base's storage with strides (1, 4)
        "column": base[:, 1],  # a view with an offset
        "shared": base,  # the same storage again
        "int64": torch.tensor([-3, 0, 2**31 - 1]),
        "float32": torch.tensor([1.5, -0.0, float("inf")], dtype=torch.float32),
        "scalar": torch.tensor(7.0),
        "tuple": (1, 2.5, "three", None, True),
        "by_index": {0: "a", 10: "b"},
        "nested": [[], {}, ()],
        "big": 2**40,
        "negative": -2**40,
    }, os.path.join(folder, "sample.pt"))


if __name__ == "__main__":
    out = sys.argv[1]
    for case in ("mlp", "cnn", "cnn-sgd"):
        run(out, case)
    sample(out)
