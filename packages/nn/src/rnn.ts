import { ValueError, type Tensor } from "@tapegrad/core";
import { Recurrent, type RecurrentOptions } from "./recurrent.js";

/** Options of `RNN`: the recurrent options and the nonlinearity. */
export interface RNNOptions extends RecurrentOptions {
  /** "tanh" (the default) or "relu", as PyTorch's. */
  nonlinearity?: "tanh" | "relu";
}

/**
 * The Elman network h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), as `torch.nn.RNN`, with its keys
 * (`weight_ih_l0`, …), layouts and initialisation. `forward(x, h0?)` returns `[output, hN]`: the top
 * layer's h_t for every step and each layer's last h, `[numLayers, batch, hidden]` (an unbatched `[time, in]`
 * input, as PyTorch allows, gives `[time, hidden]` and `[numLayers, hidden]`; batchFirst does not apply to it).
 * @example
 * ```ts
 * const rnn = new RNN(3, 8, { numLayers: 2, batchFirst: true });
 * const [out, hN] = rnn.forward(zeros([4, 10, 3])); // out [4, 10, 8], hN [2, 4, 8]
 * rnn.forward(zeros([10, 3]))[1].shape;             // unbatched: out [10, 8], hN [2, 8]
 * ```
 */
export class RNN extends Recurrent<[x: Tensor, h0?: Tensor], [output: Tensor, hN: Tensor]> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("RNN", inputSize, hiddenSize, 1, options);
    this.nonlinearity = options.nonlinearity ?? "tanh";
    if (this.nonlinearity !== "tanh" && this.nonlinearity !== "relu") {
      throw new ValueError("RNN", `option nonlinearity must be "tanh" or "relu" (got ${JSON.stringify(this.nonlinearity)})`);
    }
  }

  protected prepareLayer(l: number): Tensor | null {
    return this.summedBias(l);
  }

  protected step(inputProduct: Tensor, [h]: readonly Tensor[], l: number, bias: Tensor | null): Tensor[] {
    const product = inputProduct.add(this.hiddenProduct(h!, l));
    const pre = bias === null ? product : product.add(bias);
    return [this.nonlinearity === "tanh" ? pre.tanh() : pre.relu()];
  }

  forward(x: Tensor, h0?: Tensor): [output: Tensor, hN: Tensor] {
    const [output, [hN]] = this.sequence(x, [h0], ["h0"]);
    return [output, hN!];
  }
}
