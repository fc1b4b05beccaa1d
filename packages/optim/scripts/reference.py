"""Reference trajectories for @tapegrad/optim's tests, computed by torch.optim (PyTorch 1.13).

Run: /usr/bin/python3 packages/optim/scripts/reference.py
Writes packages/optim/test/fixtures/trajectories.json. The tests read that file; they never run Python.

The model is the lecture's four-layer network (2 -> 8 -> 8 -> 2, tanh then sigmoid hidden units,
softmax cross-entropy), with fixed weights and one fixed batch, so a trajectory depends on nothing but the
optimizer. AdaBelief is not in torch: it is implemented below from Algorithm 2 of Zhuang et al. (2020).
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
STEPS = 60
CHECKPOINTS = [1, 2, 10, 30, 60]
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "trajectories.json")

gen = torch.Generator().manual_seed(1234)
SHAPES = {"w1": [8, 2], "b1": [8], "w2": [8, 8], "b2": [8], "w3": [2, 8], "b3": [2]}
INIT = {k: (torch.randn(s, generator=gen) * 0.7).tolist() for k, s in SHAPES.items()}
X = torch.randn(16, 2, generator=gen)
Y = ((X[:, 0] * X[:, 1] + 0.3 * X[:, 0]) > 0).long()  # a non-linear two-class rule


class AdaBelief(torch.optim.Optimizer):
    """Algorithm 2 of Zhuang et al. 2020, with the authors' decoupled weight decay option."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0.0, decoupled=True):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, decoupled=decoupled))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.clone()
                st = self.state[p]
                if not st:
                    st["step"], st["m"], st["s"] = 0, torch.zeros_like(p), torch.zeros_like(p)
                st["step"] += 1
                k = st["step"]
                if group["decoupled"]:
                    p.mul_(1 - lr * wd)
                else:
                    g = g + wd * p
                m, s = st["m"], st["s"]
                m.mul_(b1).add_((1 - b1) * g)
                s.mul_(b2).add_((1 - b2) * (g - m) ** 2).add_(eps)
                m_hat = m / (1 - b1 ** k)
                s_hat = s / (1 - b2 ** k)
                p.sub_(lr * m_hat / (s_hat.sqrt() + eps))


O = torch.optim
# (name, constructor, tapegrad class, tapegrad options, schedule) -- options given in tapegrad's names.
RUNS = [
    ("sgd", "SGD", {"lr": 0.2}, None),
    ("sgd-momentum", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}, None),
    ("sgd-nesterov", "SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True}, None),
    ("rmsprop", "RMSprop", {"lr": 0.01}, None),
    ("rmsprop-centered", "RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.5, "centered": True, "weightDecay": 0.01}, None),
    ("adadelta", "AdaDelta", {}, None),
    ("adadelta-options", "AdaDelta", {"lr": 0.5, "rho": 0.95, "eps": 1e-5, "weightDecay": 0.02}, None),
    ("adam", "Adam", {"lr": 0.02}, None),
    ("adam-amsgrad", "Adam", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True, "weightDecay": 0.01}, None),
    ("adamw", "AdamW", {"lr": 0.02}, None),
    ("adamw-amsgrad", "AdamW", {"lr": 0.02, "weightDecay": 0.1, "amsgrad": True}, None),
    ("adabelief", "AdaBelief", {"lr": 0.02}, None),
    ("adabelief-l2", "AdaBelief", {"lr": 0.02, "betas": [0.8, 0.99], "eps": 1e-12, "weightDecay": 0.05, "decoupled": False}, None),
    ("adabelief-decoupled", "AdaBelief", {"lr": 0.02, "weightDecay": 0.1}, None),
    ("sgd-exponential", "SGD", {"lr": 0.3, "momentum": 0.5}, {"kind": "exponential", "gamma": 0.95}),
    ("adam-step", "Adam", {"lr": 0.05}, {"kind": "step", "stepSize": 20, "gamma": 0.3}),
    ("adam-groups", "Adam", {"lr": 0.01, "groups": [{"lr": 0.03, "betas": [0.5, 0.9]}, {}]}, None),
]

TORCH_NAMES = {"weightDecay": "weight_decay"}
TORCH_CLASSES = {"SGD": O.SGD, "RMSprop": O.RMSprop, "AdaDelta": O.Adadelta, "Adam": O.Adam, "AdamW": O.AdamW, "AdaBelief": AdaBelief}


def torch_options(options):
    return {TORCH_NAMES.get(k, k): (tuple(v) if k == "betas" else v) for k, v in options.items() if k != "groups"}


def forward(p, x):
    a = torch.tanh(x @ p["w1"].T + p["b1"])
    b = torch.sigmoid(a @ p["w2"].T + p["b2"])
    return b @ p["w3"].T + p["b3"]


def run(kind, options, schedule, dtype):
    p = {k: torch.tensor(v, dtype=dtype, requires_grad=True) for k, v in INIT.items()}
    ordered = [p[k] for k in SHAPES]
    groups = options.get("groups")
    if groups is None:
        params = ordered
    else:  # first layer in group 0 with its own options, the rest in group 1
        params = [dict(params=ordered[:2], **torch_options(groups[0])), dict(params=ordered[2:], **torch_options(groups[1]))]
    opt = TORCH_CLASSES[kind](params, **torch_options(options))
    sched = None
    if schedule is not None and schedule["kind"] == "exponential":
        sched = O.lr_scheduler.ExponentialLR(opt, gamma=schedule["gamma"])
    elif schedule is not None and schedule["kind"] == "step":
        sched = O.lr_scheduler.StepLR(opt, step_size=schedule["stepSize"], gamma=schedule["gamma"])
    x, y = X.to(dtype), Y
    losses, checkpoints = [], {}
    for k in range(1, STEPS + 1):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward(p, x), y)
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
        if k in CHECKPOINTS:
            checkpoints[str(k)] = torch.cat([t.detach().reshape(-1) for t in ordered]).tolist()
    return {"losses": losses, "checkpoints": checkpoints}


fixtures = {
    "generator": "packages/optim/scripts/reference.py, torch " + torch.__version__,
    "steps": STEPS,
    "shapes": SHAPES,
    "init": INIT,
    "x": X.tolist(),
    "y": Y.tolist(),
    "runs": [],
}
for name, kind, options, schedule in RUNS:
    entry = {"name": name, "optimizer": kind, "options": options, "schedule": schedule}
    entry["float64"] = run(kind, options, schedule, torch.float64)
    entry["float32"] = run(kind, options, schedule, torch.float32)
    fixtures["runs"].append(entry)
    print(f"{name:22s} loss {entry['float64']['losses'][0]:.4f} -> {entry['float64']['losses'][-1]:.6f}")

with open(OUT, "w") as f:
    json.dump(fixtures, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote", os.path.normpath(OUT))
