import { describe, expect, it } from "vitest";
import { grad, randn, Rng, softmaxCrossEntropy, tensor, vmap, type Tensor } from "@tapegrad/core";

/**
 * Per-example gradients of the lecture's network (784 → 256 → 128 → 10, float64): vmap(grad(loss))
 * over a batch equals grad(loss) of each example, to 1e-12 relative. The speed-up is measured by
 * benchmarks/src/perExample.ts, not timed here.
 */

type Params = { layers: { w: Tensor; b: Tensor }[] };

function lectureNetwork(sizes: readonly number[], seed: number): Params {
  const rng = new Rng(seed);
  return {
    layers: sizes.slice(1).map((out, i) => ({
      w: randn([sizes[i]!, out], { rng, dtype: "float64" }).mul(Math.sqrt(2 / sizes[i]!)),
      b: randn([out], { rng, dtype: "float64" }).mul(0.1),
    })),
  };
}

/** The loss of ONE example: x is [784], label an int32 scalar tensor. */
const loss = (p: Params, x: Tensor, label: Tensor): Tensor => {
  const logits = p.layers.reduce((h, { w, b }, i) => (i > 0 ? h.relu() : h).matmul(w).add(b), x);
  return softmaxCrossEntropy(logits.reshape([1, 10]), label.reshape([1]));
};

describe("per-example gradients by vmap(grad(...))", () => {
  it("equal the loop over examples for the 784-256-128-10 network, in float64 to 1e-12", () => {
    const params = lectureNetwork([784, 256, 128, 10], 0);
    const batch = 6;
    const x = randn([batch, 784], { rng: new Rng(1), dtype: "float64" });
    const labels = tensor([3, 1, 4, 1, 5, 9], { dtype: "int32" });
    const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(params, x, labels);
    for (let k = 0; k < batch; k++) {
      const one = grad(loss)(params, x.slice([k, 0], [1, 784]).reshape([784]), labels.slice([k], [1]).reshape([]));
      one.layers.forEach((layer, l) => {
        for (const key of ["w", "b"] as const) {
          const got = perExample.layers[l]![key];
          const want = layer[key];
          const row = got.slice([k, ...want.shape.map(() => 0)], [1, ...want.shape]).reshape(want.shape);
          const scale = want.abs().max().item();
          expect(row.sub(want).abs().max().item(), `layer ${l} ${key}, example ${k}`).toBeLessThanOrEqual(1e-12 * scale);
        }
      });
    }
    expect(perExample.layers[0]!.w.shape).toEqual([batch, 784, 256]);
  });
});
