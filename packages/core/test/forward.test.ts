import { describe, expect, it } from "vitest";
import { concat, matmul, pad, randn, Rng, sigmoid, slice, softmax, softmaxCrossEntropy, tensor, transpose, logSumExp, tanh, where } from "@tapegrad/core";

/** A naive triple loop: the plain reference the batched kernel must agree with. */
function naiveMatmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

describe("forward values against plain references", () => {
  it("matmul equals the triple loop, with batch broadcasting", () => {
    const rng = new Rng(3);
    const a = randn([2, 3, 4], { rng, dtype: "float64" });
    const b = randn([4, 5], { rng, dtype: "float64" });
    const out = matmul(a, b.reshape([1, 4, 5])).toArray() as number[][][];
    const bs = b.toArray() as number[][];
    (a.toArray() as number[][][]).forEach((m, i) => {
      naiveMatmul(m, bs).forEach((row, r) => row.forEach((v, c) => expect(out[i]![r]![c]).toBeCloseTo(v, 12)));
    });
  });

  it("reductions, transposes, slices, pads and concatenation move the right elements", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(x.sum(-1, { keepDims: true }).toArray()).toEqual([[6], [15]]);
    expect(x.max(1).toArray()).toEqual([3, 6]);
    expect(x.mean().item()).toBe(3.5);
    expect(transpose(x).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(slice(x, [1, 1]).toArray()).toEqual([[5, 6]]);
    expect(pad(tensor([1, 2]), [1], [2]).toArray()).toEqual([0, 1, 2, 0, 0]);
    expect(concat([x, tensor([[7, 8, 9]])], 0).toArray()).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(x.reshape([3, -1]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(x.broadcastTo([2, 2, 3]).sum().item()).toBe(42);
    expect(where(x.gt(3), x, 0).toArray()).toEqual([[0, 0, 0], [4, 5, 6]]);
  });

  it("stable activations stay finite at extreme inputs", () => {
    const big = tensor([-1000, -30, 0, 30, 1000], { dtype: "float64" });
    const s = sigmoid(big).data;
    [0, 1 / (1 + Math.exp(30)), 0.5, 1 / (1 + Math.exp(-30)), 1].forEach((v, i) => expect(Math.abs(s[i]! - v)).toBeLessThanOrEqual(1e-15 * v));
    expect(tanh(big).toArray()).toEqual([-1, Math.tanh(-30), 0, Math.tanh(30), 1]);
    expect(logSumExp(tensor([1000, 1000], { dtype: "float64" })).item()).toBeCloseTo(1000 + Math.log(2), 10);
    const p = softmax(tensor([[1000, 0, -1000]], { dtype: "float64" })).toArray() as number[][];
    expect(p[0]).toEqual([1, Math.exp(-1000), 0]);
  });

  it("softmaxCrossEntropy is finite for logits of ±1000 and its gradient is (softmax − y)/batch", () => {
    const logits = tensor([[1000, -1000, 0], [0, 1, 2]], { dtype: "float64", requiresGrad: true });
    const loss = softmaxCrossEntropy(logits, tensor([1, 2], { dtype: "float64" }));
    expect(Number.isFinite(loss.item())).toBe(true);
    expect(loss.item()).toBeCloseTo((2000 + (Math.log(Math.exp(-2) + Math.exp(-1) + 1))) / 2, 9);
    loss.backward();
    const p = softmax(logits.detach()).toArray() as number[][];
    const y = [[0, 1, 0], [0, 0, 1]];
    const expected = p.map((row, r) => row.map((v, c) => (v - y[r]![c]!) / 2));
    expect(logits.grad!.toArray()).toEqual(expected);
  });

  it("softmaxCrossEntropy with probability rows equals the one-hot case", () => {
    const logits = randn([4, 3], { rng: new Rng(1), dtype: "float64" });
    const indices = tensor([0, 2, 1, 1], { dtype: "float64" });
    const oneHot = tensor([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 0]], { dtype: "float64" });
    expect(softmaxCrossEntropy(logits, oneHot).item()).toBeCloseTo(softmaxCrossEntropy(logits, indices).item(), 12);
  });
});
