import { describe, expect, it } from "vitest";
import { noGrad, Rng, tensor, type Tensor } from "@tapegrad/core";
import { loadBreastCancer, loadDigits, type TrainTestSplit } from "@tapegrad/datasets";
import { mlp, softmaxCrossEntropy, type Sequential } from "../src/index.js";

/** Rows `indices` of a `[n, f]` matrix and of its `[n]` labels, as a mini-batch. */
function batch(x: Tensor, y: Tensor, indices: readonly number[]): [Tensor, Tensor] {
  const f = x.shape[1]!;
  const xb = new Float32Array(indices.length * f);
  const yb = new Float32Array(indices.length);
  indices.forEach((row, i) => {
    xb.set(x.data.subarray(row * f, (row + 1) * f), i * f);
    yb[i] = y.data[row]!;
  });
  return [tensor(xb, { shape: [indices.length, f] }), tensor(yb)];
}

/**
 * The lecture's SGD: each epoch draws mini-batches without replacement from a fresh permutation and
 * steps θ ← θ − α·(mean mini-batch gradient), written against `.data` as an optimizer would.
 */
function trainSgd(model: Sequential, { train }: TrainTestSplit, epochs: number, lr: number, batchSize: number, seed: number): void {
  const rng = new Rng(seed);
  const n = train.y.size;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = rng.permutation(n);
    for (let start = 0; start < n; start += batchSize) {
      const [xb, yb] = batch(train.x, train.y, order.slice(start, start + batchSize));
      model.zeroGrad();
      softmaxCrossEntropy(model.forward(xb), yb).backward();
      for (const p of model.parameters()) {
        const g = p.grad!.data;
        for (let i = 0; i < p.data.length; i++) p.data[i]! -= lr * g[i]!;
      }
    }
  }
}

function accuracy(model: Sequential, { test }: TrainTestSplit): number {
  const logits = noGrad(() => model.forward(test.x));
  const classes = logits.shape[1]!;
  let correct = 0;
  for (let i = 0; i < test.y.size; i++) {
    const row = Array.from(logits.data.subarray(i * classes, (i + 1) * classes));
    if (row.indexOf(Math.max(...row)) === test.y.data[i]) correct++;
  }
  return correct / test.y.size;
}

describe("the lecture's 4-layer network trained with plain SGD", () => {
  it("reaches at least 95% test accuracy on handwritten digits", () => {
    const data = loadDigits({ seed: 0, standardize: true });
    const model = mlp([64, 32, 32, 10], { activation: "relu", rng: new Rng(1) });
    const before = accuracy(model, data);
    trainSgd(model, data, 20, 0.05, 32, 2);
    const after = accuracy(model, data);
    expect(before).toBeLessThan(0.5);
    expect(after).toBeGreaterThanOrEqual(0.95);
  });

  it("reaches at least 95% test accuracy on breast cancer", () => {
    const data = loadBreastCancer({ seed: 0, standardize: true });
    const model = mlp([30, 16, 16, 2], { activation: "relu", rng: new Rng(1) });
    trainSgd(model, data, 20, 0.05, 16, 2);
    expect(accuracy(model, data)).toBeGreaterThanOrEqual(0.95);
  });
});
