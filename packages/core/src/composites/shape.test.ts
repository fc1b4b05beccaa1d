import { describe, expect, it } from "vitest";
import { arange, flatten, grad, matmul, permute, slice, split, squeeze, stack, tensor, unsqueeze, zeros, type Tensor } from "@tapegrad/core";

/** Values and shapes below are what PyTorch gives for the same calls (torch.stack, torch.split, ...). */
const x234 = arange(24, undefined, 1, { dtype: "float64" }).reshape([2, 3, 4]);

describe("shape composites", () => {
  it("stack joins along a new axis, at any position", () => {
    const [a, b] = [tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])];
    expect(stack([a, b]).toArray()).toEqual([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    expect(stack([a, b], 1).toArray()).toEqual([[[1, 2], [5, 6]], [[3, 4], [7, 8]]]);
    expect(stack([a, b], -1).toArray()).toEqual([[[1, 5], [2, 6]], [[3, 7], [4, 8]]]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });

  it("split cuts by one length (last piece shorter) or by a list of lengths", () => {
    expect(split(arange(5), 2).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(arange(5), [1, 4]).map((t) => t.toArray())).toEqual([[0], [1, 2, 3, 4]]);
    expect(split(x234, [1, 3], -1).map((t) => t.shape)).toEqual([[2, 3, 1], [2, 3, 3]]);
    expect(x234.split(1, 1).map((t) => t.shape)).toEqual([[2, 1, 4], [2, 1, 4], [2, 1, 4]]);
  });

  it("split's pieces send their gradients back to their own places", () => {
    const g = grad((x: Tensor) => {
      const [a, b] = split(x, [1, 2]);
      return a!.mul(10).sum().add(b!.mul(b!).sum());
    })(tensor([1, 2, 3], { dtype: "float64" }));
    expect(g.toArray()).toEqual([10, 4, 6]);
  });

  it("squeeze drops all size-1 axes or the named ones, leaving a named axis of another size alone", () => {
    const x = zeros([2, 1, 3, 1]);
    expect(squeeze(x).shape).toEqual([2, 3]);
    expect(squeeze(x, 1).shape).toEqual([2, 3, 1]);
    expect(squeeze(x, -1).shape).toEqual([2, 1, 3]);
    expect(squeeze(x, [1, 3]).shape).toEqual([2, 3]);
    expect(squeeze(x, 0).shape).toEqual([2, 1, 3, 1]);
    expect(squeeze(zeros([1])).shape).toEqual([]);
  });

  it("unsqueeze inserts an axis, counting a negative axis from the end of the result", () => {
    expect(unsqueeze(zeros([2, 3]), 0).shape).toEqual([1, 2, 3]);
    expect(unsqueeze(zeros([2, 3]), 2).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(zeros([2, 3]), -1).shape).toEqual([2, 3, 1]);
    expect(unsqueeze(zeros([2, 3]), -3).shape).toEqual([1, 2, 3]);
    expect(zeros([]).unsqueeze(0).shape).toEqual([1]);
  });

  it("flatten merges a range of axes as torch.flatten", () => {
    expect(flatten(x234).shape).toEqual([24]);
    expect(x234.flatten(1).shape).toEqual([2, 12]);
    expect(x234.flatten(0, 1).shape).toEqual([6, 4]);
    expect(x234.flatten(-2, -1).toArray()).toEqual(x234.reshape([2, 12]).toArray());
    expect(x234.flatten(1, 1).shape).toEqual([2, 3, 4]);
    expect(flatten(tensor(5)).shape).toEqual([1]);
  });

  it("permute reorders axes, taking negative axes", () => {
    const p = permute(x234, [2, 0, 1]);
    expect(p.shape).toEqual([4, 2, 3]);
    expect(p.toArray()).toEqual(x234.transpose([2, 0, 1]).toArray());
    expect(x234.permute([-1, 0, -2]).toArray()).toEqual(p.toArray());
  });

  it("slice counts a negative begin from the end of its axis", () => {
    expect(slice(arange(5), [-2]).toArray()).toEqual([3, 4]);
    expect(slice(x234, [-1, 1, -3], [1, 2, 2]).toArray()).toEqual([[[17, 18], [21, 22]]]);
    expect(x234.slice([0, -3, 0], [-1, 1, -1]).toArray()).toEqual(x234.slice([0, 0, 0], [2, 1, 4]).toArray());
  });
});

describe("matmul with vectors, as torch.matmul", () => {
  const m = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
  it("vector·matrix, matrix·vector and vector·vector", () => {
    expect(matmul(tensor([1, 1], { dtype: "float64" }), m).toArray()).toEqual([5, 7, 9]);
    expect(m.matmul(tensor([1, 0, -1], { dtype: "float64" })).toArray()).toEqual([-2, -2]);
    const dot = matmul(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(dot.shape).toEqual([]);
    expect(dot.item()).toBe(32);
  });

  it("a vector against a batch of matrices broadcasts over the batch", () => {
    const batch = arange(12, undefined, 1, { dtype: "float64" }).reshape([2, 3, 2]);
    expect(matmul(batch, tensor([1, -1], { dtype: "float64" })).toArray()).toEqual([[-1, -1, -1], [-1, -1, -1]]);
    expect(matmul(tensor([1, 0, 0], { dtype: "float64" }), batch).toArray()).toEqual([[0, 1], [6, 7]]);
  });

  it("transpose flags on a vector leave it the same vector", () => {
    const v = tensor([1, 1], { dtype: "float64" });
    expect(matmul(v, m, { transposeA: true }).toArray()).toEqual([5, 7, 9]);
    expect(matmul(m, tensor([1, 0], { dtype: "float64" }), { transposeA: true }).toArray()).toEqual([1, 2, 3]);
  });

  it("gradients keep the vector's shape", () => {
    const g = grad((v: Tensor) => matmul(v, m).sum())(tensor([1, 1], { dtype: "float64" }));
    expect(g.shape).toEqual([2]);
    expect(g.toArray()).toEqual([6, 15]);
  });
});
