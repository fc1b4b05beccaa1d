import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rng, ShapeError, softmaxCrossEntropy, tensor, ValueError, type Tensor } from "@tapegrad/core";
import { bceWithLogits, binaryCrossEntropy, crossEntropy, mseLoss, squaredError } from "./losses.js";
import { runs } from "../../../test-support/fuzz.js";

const f64 = (v: number[][] | number[], requiresGrad = false): Tensor => tensor(v, { dtype: "float64", requiresGrad });
const matrix = (rng: Rng, rows: number, cols: number, draw: () => number = () => rng.normal()): number[][] =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, draw));
const softmaxRows = (z: number[][]): number[][] =>
  z.map((row) => {
    const e = row.map((v) => Math.exp(v - Math.max(...row)));
    return e.map((v) => v / e.reduce((s, w) => s + w, 0));
  });
const shapes = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer());

describe("loss values against plain formulas", () => {
  it("squaredError is ½‖y − ŷ‖² averaged over the batch; mseLoss the mean of squares", () => {
    fc.assert(
      fc.property(shapes, ([b, m, seed]) => {
        const rng = new Rng(seed);
        const [p, y] = [matrix(rng, b, m), matrix(rng, b, m)];
        const sq = p.flatMap((row, i) => row.map((v, j) => (v - y[i]![j]!) ** 2)).reduce((s, v) => s + v, 0);
        expect(squaredError(f64(p), f64(y)).item()).toBeCloseTo((0.5 * sq) / b, 12);
        expect(mseLoss(f64(p), f64(y)).item()).toBeCloseTo(sq / (b * m), 12);
      }),
      runs(),
    );
    expect(squaredError(f64([3]), f64([1])).item()).toBe(2); // a batch of one scalar output
  });

  it("crossEntropy is −Σ y log ŷ per example averaged, for indices (int32 or float) and for probability rows", () => {
    fc.assert(
      fc.property(shapes, ([b, c, seed]) => {
        const rng = new Rng(seed);
        const p = softmaxRows(matrix(rng, b, c));
        const labels = Array.from({ length: b }, () => rng.int(c));
        const byIndex = -labels.reduce((s, k, i) => s + Math.log(p[i]![k]!), 0) / b;
        expect(crossEntropy(f64(p), f64(labels)).item()).toBeCloseTo(byIndex, 12);
        expect(crossEntropy(f64(p), tensor(labels, { dtype: "int32" })).item()).toBe(crossEntropy(f64(p), f64(labels)).item());
        const y = softmaxRows(matrix(rng, b, c));
        const byRows = -y.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * Math.log(p[i]![j]!), 0), 0) / b;
        expect(crossEntropy(f64(p), f64(y)).item()).toBeCloseTo(byRows, 12);
      }),
      runs(),
    );
  });

  it("binaryCrossEntropy and bceWithLogits are the lecture's −y log ŷ − (1 − y) log(1 − ŷ), averaged", () => {
    fc.assert(
      fc.property(shapes, ([b, m, seed]) => {
        const rng = new Rng(seed);
        const z = matrix(rng, b, m);
        const y = matrix(rng, b, m, () => rng.uniform());
        const p = z.map((row) => row.map((v) => 1 / (1 + Math.exp(-v))));
        const terms = p.flatMap((row, i) => row.map((v, j) => -y[i]![j]! * Math.log(v) - (1 - y[i]![j]!) * Math.log(1 - v)));
        const want = terms.reduce((s, v) => s + v, 0) / (b * m);
        expect(binaryCrossEntropy(f64(p), f64(y)).item()).toBeCloseTo(want, 12);
        expect(bceWithLogits(f64(z), f64(y)).item()).toBeCloseTo(want, 12);
      }),
      runs(),
    );
  });
});

describe("the lecture's identities: ∂F/∂y' = ŷ − y", () => {
  it("for squared error through the identity output, and for cross-entropy through softmax", () => {
    fc.assert(
      fc.property(shapes, ([b, m, seed]) => {
        const rng = new Rng(seed);
        const [z, y] = [matrix(rng, b, m), matrix(rng, b, m)];
        // Squared error, identity output ŷ = y': the gradient of the batch mean is (ŷ − y) / b per example.
        const out = f64(z, true);
        squaredError(out, f64(y)).backward();
        Array.from(out.grad!.data).forEach((g, i) => expect(g * b).toBeCloseTo(z.flat()[i]! - y.flat()[i]!, 12));

        // Cross-entropy on softmax(y'), one-hot y: the gradient with respect to y' is (ŷ − y) / b per example.
        const labels = Array.from({ length: b }, () => rng.int(m));
        const oneHot = labels.map((k) => Array.from({ length: m }, (_, j) => (j === k ? 1 : 0)));
        const yHat = softmaxRows(z).flat();
        const expected = yHat.map((v, i) => v - oneHot.flat()[i]!);
        const logits = f64(z, true);
        crossEntropy(logits.softmax(-1), f64(labels)).backward();
        Array.from(logits.grad!.data).forEach((g, i) => expect(g * b).toBeCloseTo(expected[i]!, 10));
        // The fused primitive gives the same gradient by its own rule.
        const fused = f64(z, true);
        softmaxCrossEntropy(fused, f64(oneHot)).backward();
        Array.from(fused.grad!.data).forEach((g, i) => expect(g * b).toBeCloseTo(expected[i]!, 12));
      }),
      runs(),
    );
  });
});

describe("stability and errors", () => {
  it("bceWithLogits stays finite for huge logits, with gradient (sigmoid(z) − y) / n", () => {
    const z = f64([1000, -1000, 0], true);
    const loss = bceWithLogits(z, f64([0, 1, 1]));
    expect(loss.item()).toBeCloseTo((1000 + 1000 + Math.log(2)) / 3, 10);
    loss.backward();
    expect(Array.from(z.grad!.data).map((g) => g * 3)).toEqual([1, -1, -0.5]);
  });

  it("probability losses cap log 0 at −100 with finite gradients, as PyTorch's BCELoss does", () => {
    const p = f64([0, 1], true);
    const loss = binaryCrossEntropy(p, f64([1, 0]));
    expect(loss.item()).toBeCloseTo(100, 10);
    loss.backward();
    expect(Array.from(p.grad!.data).every(Number.isFinite)).toBe(true);
    const q = f64([[0, 1]], true);
    expect(crossEntropy(q, f64([0])).item()).toBeCloseTo(100, 10);
    crossEntropy(q, f64([1])).backward();
    expect(Array.from(q.grad!.data).every(Number.isFinite)).toBe(true);
  });

  it("refuses mismatched shapes and bad class indices, naming the loss", () => {
    expect(() => squaredError(f64([[1, 2]]), f64([1, 2]))).toThrow(ShapeError);
    expect(() => mseLoss(f64([1, 2]), f64([1, 2, 3]))).toThrow("mseLoss: prediction and target must have the same shape (got [2], [3])");
    expect(() => binaryCrossEntropy(f64([0.5]), f64([[1]]))).toThrow(ShapeError);
    expect(() => bceWithLogits(f64([0.5]), f64([1, 0]))).toThrow(/bceWithLogits/);
    expect(() => crossEntropy(f64([0.5, 0.5]), f64([0]))).toThrow("crossEntropy: prediction must be a [batch, classes] matrix");
    expect(() => crossEntropy(f64([[0.5, 0.5]]), f64([2]))).toThrow(ValueError);
    expect(() => crossEntropy(f64([[0.5, 0.5]]), f64([0.5]))).toThrow("crossEntropy: target[0] = 0.5 is not a class index in [0, 2)");
    expect(() => crossEntropy(f64([[0.5, 0.5]]), f64([[1, 0, 0]]))).toThrow(ShapeError);
  });
});
