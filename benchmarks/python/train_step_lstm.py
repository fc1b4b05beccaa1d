"""PyTorch's row of train-step-lstm: torch.nn.LSTM (one layer, sequence first) loaded with the weights the
benchmark drew (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, in PyTorch's layout), run over the
whole sequence from zero state; the loss is the mean squared difference between the last hidden state
and the fixed target; torch.optim.Adam. The protocol and the step loop are step_server.py's."""
import torch

from step_server import StepServer


def main() -> None:
    server = StepServer()
    spec = server.spec
    steps, batch, inputs, hidden = spec["steps"], spec["batch"], spec["inputs"], spec["hidden"]
    lstm = torch.nn.LSTM(inputs, hidden)
    names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    lstm.load_state_dict({name: server.take(*getattr(lstm, name).shape) for name in names})
    x = server.take(steps, batch, inputs)
    target = server.take(1, batch, hidden)

    def loss() -> torch.Tensor:
        _, (h_n, _) = lstm(x)
        return (h_n - target).square().mean()

    server.serve(lstm.parameters(), loss)


if __name__ == "__main__":
    main()
