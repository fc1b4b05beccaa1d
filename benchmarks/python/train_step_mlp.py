"""PyTorch's row of train-step-mlp: the lecture's network (weights stored [in, out], so a layer is
x @ W + b as in the other rows; ReLU after the hidden layers; cross-entropy averaged over the batch)
trained with torch.optim.Adam on the weights and batch the benchmark drew. The protocol and the step
loop are step_server.py's."""
import torch

from step_server import StepServer


def main() -> None:
    server = StepServer()
    sizes, batch = server.spec["sizes"], server.spec["batch"]
    params = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        params.append(server.take(fan_in, fan_out).requires_grad_())
        params.append(server.take(fan_out).requires_grad_())
    x = server.take(batch, sizes[0])
    y = server.take(batch).long()

    def loss() -> torch.Tensor:
        h = x
        for i in range(0, len(params), 2):
            h = h @ params[i] + params[i + 1]
            if i + 2 < len(params):
                h = torch.relu(h)
        return torch.nn.functional.cross_entropy(h, y)

    server.serve(params, loss)


if __name__ == "__main__":
    main()
