"""PyTorch's row of train-step-cnn: the CNN built from torch.nn layers (Conv2d 1→16 and 16→32, 3×3,
padding 1, each followed by ReLU and MaxPool2d(2); Flatten; Linear 1568→10), loaded with the weights the
benchmark drew (in PyTorch's layouts: kernels [out, in, 3, 3], the linear weight [10, 1568], the batch
NCHW), trained with cross-entropy averaged over the batch and torch.optim.Adam. The protocol and the step
loop are step_server.py's."""
import torch
from torch import nn

from step_server import StepServer


def main() -> None:
    server = StepServer()
    spec = server.spec
    channels, batch, image, classes = spec["channels"], spec["batch"], spec["image"], spec["classes"]
    flat = channels[-1] * (image // 2 ** (len(channels) - 1)) ** 2
    layers: list[nn.Module] = []
    for cin, cout in zip(channels, channels[1:]):
        layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    model = nn.Sequential(*layers, nn.Flatten(), nn.Linear(flat, classes))
    with torch.no_grad():
        for p in model.parameters():  # conv1 weight, bias, conv2 weight, bias, linear weight, bias
            p.copy_(server.take(*p.shape))
    x = server.take(batch, channels[0], image, image)
    y = server.take(batch).long()
    server.serve(model.parameters(), lambda: nn.functional.cross_entropy(model(x), y))


if __name__ == "__main__":
    main()
