"""What the PyTorch rows of the training-step benchmarks share (benchmarks/src/frameworks/pytorch.ts runs
them with Debian's python3-torch, /usr/bin/python3): reading the case's settings and arrays, and the step
loop. The protocol: the first line of stdin is the case's settings as JSON (the Adam settings, the
sizes, and `path`, a file of float32 arrays in the order the script reads them); the script answers one
line, {"ready": version, "threads": n}; then each "step" line is answered with the loss before that step's
update.

The thread count is left at torch's default (`torch.get_num_threads()`, which the ready line reports): on
the shared two-core machine of RESULTS.md it is 1, and setting it to both cores made every step many
times slower when other work loaded the machine (OpenMP workers spinning at each parallel op's barrier
while the other core is busy elsewhere; benchmarks/README.md has the numbers). OpenBLAS, where it is
used, threads the products itself.
"""
import json
import sys
from typing import Callable, Iterable

import numpy
import torch


class StepServer:
    """The case's settings (`spec`) and its arrays, read in order with `take`; `serve` runs the steps."""

    def __init__(self) -> None:
        self.spec = json.loads(sys.stdin.readline())
        self._raw = torch.from_numpy(numpy.fromfile(self.spec["path"], dtype="<f4"))
        self._at = 0

    def take(self, *shape: int) -> torch.Tensor:
        """The next array of the data file, as a float32 tensor of `shape` (a copy it owns)."""
        n = 1
        for d in shape:
            n *= d
        if self._at + n > self._raw.numel():
            raise ValueError(f"take{shape}: the data file has {self._raw.numel() - self._at} floats left, not {n}")
        out = self._raw[self._at : self._at + n].reshape(*shape).clone()
        self._at += n
        return out

    def serve(self, params: Iterable[torch.nn.Parameter], loss: Callable[[], torch.Tensor]) -> None:
        """Answers each "step" line with `loss()`'s value, after its backward pass and a torch.optim.Adam step."""
        if self._at != self._raw.numel():
            # A case that sends more than its script reads has a layout the script does not expect.
            raise ValueError(f"serve: {self._raw.numel() - self._at} floats of the data file were not read")
        spec = self.spec
        opt = torch.optim.Adam(params, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"])
        print(json.dumps({"ready": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            if line.strip() != "step":
                break
            opt.zero_grad(set_to_none=True)
            value = loss()
            value.backward()
            opt.step()
            print(repr(value.item()), flush=True)
