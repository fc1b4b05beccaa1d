import { split, tensor, type Tensor } from "@tapegrad/core";
import { Recurrent, type RecurrentOptions } from "./recurrent.js";

/**
 * Long short-term memory, as `torch.nn.LSTM`: gates in PyTorch's order i, f, g, o stacked in
 * `weight_ih_l{k}` `[4·hidden, in]` and friends, c_t = σ(f)⊙c_{t−1} + σ(i)⊙tanh(g), h_t = σ(o)⊙tanh(c_t).
 * `forward(x, [h0, c0]?)` returns `[output, [hN, cN]]`; states are `[numLayers, batch, hidden]`, or
 * `[numLayers, hidden]` for an unbatched `[time, in]` input.
 * @example
 * ```ts
 * const lstm = new LSTM(8, 32, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(zeros([16, 8, 8])); // out [16, 8, 32], hN and cN [1, 16, 32]
 * lstm.forward(zeros([8, 8]))[1][0].shape;                  // unbatched: out [8, 32], hN [1, 32]
 * ```
 */
export class LSTM extends Recurrent<[x: Tensor, state?: readonly [h0: Tensor, c0: Tensor]], [output: Tensor, state: [hN: Tensor, cN: Tensor]]> {
  // σ(x) = ½ + ½·tanh(x/2) for the gates i, f, o and tanh for g: all four from one tanh over [batch, 4·hidden],
  // scaled and shifted per gate, instead of one activation per gate (a quarter of the ops per step).
  readonly #scale: Tensor;
  readonly #shift: Tensor;

  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("LSTM", inputSize, hiddenSize, 4, options);
    const perGate = (values: readonly number[]): Tensor =>
      tensor(values.flatMap((v) => Array<number>(hiddenSize).fill(v)), { dtype: this.dtype });
    this.#scale = perGate([0.5, 0.5, 1, 0.5]);
    this.#shift = perGate([0.5, 0.5, 0, 0.5]);
  }

  protected prepareLayer(l: number): Tensor | null {
    return this.summedBias(l);
  }

  protected step(inputProduct: Tensor, [h, c]: readonly Tensor[], l: number, bias: Tensor | null): Tensor[] {
    const H = this.hiddenSize;
    const product = inputProduct.add(this.hiddenProduct(h!, l));
    const pre = bias === null ? product : product.add(bias);
    const [i, f, g, o] = split(pre.mul(this.#scale).tanh().mul(this.#scale).add(this.#shift), [H, H, H, H], 1) as [Tensor, Tensor, Tensor, Tensor];
    const cell = f.mul(c!).add(i.mul(g));
    return [o.mul(cell.tanh()), cell];
  }

  forward(x: Tensor, state?: readonly [h0: Tensor, c0: Tensor]): [output: Tensor, state: [hN: Tensor, cN: Tensor]] {
    const [output, [hN, cN]] = this.sequence(x, [state?.[0], state?.[1]], ["h0", "c0"]);
    return [output, [hN!, cN!]];
  }
}
