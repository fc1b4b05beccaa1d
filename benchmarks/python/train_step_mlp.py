"""PyTorch's row of train-step-mlp: the lecture's network trained with torch.optim.Adam on the weights and
batch the benchmark drew (read from the file named on the first line of stdin), one step per "step" line,
answering each with the loss before the update. Run by benchmarks/src/frameworks/pytorch.ts with Debian's
python3-torch (/usr/bin/python3); it uses every core, as PyTorch does by default on a machine of two."""
import json
import os
import sys

import torch


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    torch.set_num_threads(spec.get("threads", os.cpu_count() or 1))
    raw = torch.from_numpy(__import__("numpy").fromfile(spec["path"], dtype="<f4").copy())
    sizes, batch = spec["sizes"], spec["batch"]
    at = 0

    def take(*shape: int) -> torch.Tensor:
        nonlocal at
        n = 1
        for d in shape:
            n *= d
        out = raw[at : at + n].reshape(*shape).clone()
        at += n
        return out

    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params.append(take(fan_in, fan_out).requires_grad_())
        params.append(take(fan_out).requires_grad_())
    x = take(batch, sizes[0])
    y = take(batch).long()
    opt = torch.optim.Adam(params, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"])
    print(json.dumps({"ready": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        if line.strip() != "step":
            break
        opt.zero_grad(set_to_none=True)
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = torch.relu(h)
        loss = torch.nn.functional.cross_entropy(h, y)
        loss.backward()
        opt.step()
        print(repr(loss.item()), flush=True)


if __name__ == "__main__":
    main()
