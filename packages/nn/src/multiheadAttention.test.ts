import { describe, expect, it } from "vitest";
import { manualSeed, randn, Rng, type Tensor } from "@tapegrad/core";
import { MultiheadAttention } from "./multiheadAttention.js";

/** Per-head weights of one self-attention call: [batch, heads, L, S]. */
function weights(mha: MultiheadAttention, x: Tensor): Tensor {
  return mha.forward(x, x, x, { averageAttnWeights: false })[1]!;
}

describe("MultiheadAttention's attention dropout, as torch.nn.MultiheadAttention(dropout=p)", () => {
  const x = randn([16, 8, 8], { dtype: "float64", rng: new Rng(5) }); // 8·2·16·16 = 4096 weights

  it("in train() zeroes about p of the attention weights and scales the others by 1/(1 − p)", () => {
    for (const p of [0.2, 0.6]) {
      const mha = new MultiheadAttention(8, 2, { dtype: "float64", dropout: p, rng: new Rng(1) });
      const dropped = weights(mha, x);
      const clean = weights(mha.eval(), x);
      let zeros = 0;
      dropped.data.forEach((v, i) => {
        if (v === 0) zeros++;
        else expect(Math.abs(v - clean.data[i]! / (1 - p))).toBeLessThanOrEqual(1e-12);
      });
      const n = dropped.data.length;
      expect(Math.abs(zeros / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n)); // four binomial standard deviations
    }
  });

  it("is the identity in eval() and for p = 0, and the output is computed from the dropped weights", () => {
    const mha = new MultiheadAttention(8, 2, { dtype: "float64", dropout: 0.5, rng: new Rng(2) });
    const plain = new MultiheadAttention(8, 2, { dtype: "float64", rng: new Rng(2) });
    expect(Array.from(weights(mha.eval(), x).data)).toEqual(Array.from(weights(plain, x).data));
    expect(Array.from(mha.forward(x, x, x)[0].data)).toEqual(Array.from(plain.forward(x, x, x)[0].data));
    mha.train();
    const [out, w] = mha.forward(x, x, x, { averageAttnWeights: false });
    const [clean] = plain.forward(x, x, x);
    expect(Array.from(out.data)).not.toEqual(Array.from(clean.data));
    expect(w!.data.some((v) => v === 0)).toBe(true);
  });

  it("draws its masks from the module's generator, or from the default one that manualSeed seeds", () => {
    const own = (): number[] => Array.from(weights(new MultiheadAttention(8, 2, { dtype: "float64", dropout: 0.5, rng: new Rng(9) }), x).data);
    expect(own()).toEqual(own());
    const seeded = (): number[] => {
      manualSeed(11);
      const mha = new MultiheadAttention(8, 2, { dtype: "float64", dropout: 0.5 });
      const first = Array.from(weights(mha, x).data);
      expect(Array.from(weights(mha, x).data)).not.toEqual(first); // a fresh mask per call
      return first;
    };
    expect(seeded()).toEqual(seeded());
  });
});
