import { split, type Tensor } from "@tapegrad/core";
import { gateSigmoid, Recurrent, type RecurrentOptions } from "./recurrent.js";

/**
 * Gated recurrent unit, as `torch.nn.GRU`: gates in PyTorch's order r, z, n, with r = σ(x_r + h_r),
 * z = σ(x_z + h_z), n = tanh(x_n + r⊙h_n) (h_n includes b_hn, as PyTorch), h_t = (1 − z)⊙n + z⊙h_{t−1}.
 * `forward(x, h0?)` returns `[output, hN]`; states are `[numLayers, batch, hidden]`, or `[numLayers, hidden]`
 * for an unbatched `[time, in]` input.
 * @example
 * ```ts
 * const gru = new GRU(8, 16, { numLayers: 2 });
 * const [out, hN] = gru.forward(zeros([5, 3, 8])); // out [5, 3, 16], hN [2, 3, 16]
 * gru.forward(zeros([5, 8]), zeros([2, 16]));     // unbatched: out [5, 16], hN [2, 16]
 * ```
 */
export class GRU extends Recurrent<[x: Tensor, h0?: Tensor], [output: Tensor, hN: Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super("GRU", inputSize, hiddenSize, 3, options);
  }

  protected prepareLayer(): null {
    return null; // b_hn sits inside r⊙(h·W_hnᵀ + b_hn), so the biases cannot be summed
  }

  protected step(inputProduct: Tensor, [h]: readonly Tensor[], l: number): Tensor[] {
    const H = this.hiddenSize;
    const withBias = (t: Tensor, b: Tensor | null): Tensor => (b === null ? t : t.add(b));
    const [xr, xz, xn] = split(withBias(inputProduct, this.param("bias_ih", l)), [H, H, H], 1) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = split(withBias(this.hiddenProduct(h!, l), this.param("bias_hh", l)), [H, H, H], 1) as [Tensor, Tensor, Tensor];
    const r = gateSigmoid(xr.add(hr));
    const z = gateSigmoid(xz.add(hz));
    const n = xn.add(r.mul(hn)).tanh();
    return [n.add(z.mul(h!.sub(n)))]; // (1 − z)·n + z·h
  }

  forward(x: Tensor, h0?: Tensor): [output: Tensor, hN: Tensor] {
    const [output, [hN]] = this.sequence(x, [h0], ["h0"]);
    return [output, hN!];
  }
}
