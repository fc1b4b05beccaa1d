import { describe, expect, it } from "vitest";
import * as core from "@tapegrad/core";
import { arange, cast, grad, jvp, softmaxCrossEntropy, tensor, zeros, type NestedArray, type Tensor } from "@tapegrad/core";

/** The int32 dtype: storage, creation, integer arithmetic, promotion, and how autodiff leaves it alone. */
const ints = (values: NestedArray): Tensor => tensor(values, { dtype: "int32" });

describe("int32 tensors", () => {
  it("are made from numbers (truncated toward zero, as PyTorch stores them) or from an Int32Array", () => {
    const t = ints([1.7, -1.7, 3]);
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(t.toArray()).toEqual([1, -1, 3]);
    expect(tensor(Int32Array.of(4, 5), { shape: [2, 1] }).dtype).toBe("int32");
    expect(tensor(Int32Array.of(4, 5), { dtype: "float64" }).data).toBeInstanceOf(Float64Array);
    expect(arange(4, undefined, 1, { dtype: "int32" }).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(5, { dtype: "int32" }).data).toEqual(Int32Array.of(0, 1, 2, 3, 4));
    expect(core.full([2], 7, { dtype: "int32" }).data).toEqual(Int32Array.of(7, 7));
    expect(core.zerosLike(ints([1, 2])).dtype).toBe("int32");
  });

  it("keep integer arithmetic exact and in int32: add, sub, mul, neg, abs, maximum, minimum, square", () => {
    const [a, b] = [ints([7, -3, 2]), ints([2, 5, -4])];
    const cases: [Tensor, number[]][] = [
      [a.add(b), [9, 2, -2]], [a.sub(b), [5, -8, 6]], [a.mul(b), [14, -15, -8]], [a.neg(), [-7, 3, -2]],
      [a.abs(), [7, 3, 2]], [a.maximum(b), [7, 5, 2]], [a.minimum(b), [2, -3, -4]], [a.square(), [49, 9, 4]], [a.add(1), [8, -2, 3]],
    ];
    for (const [t, want] of cases) {
      expect(t.dtype).toBe("int32");
      expect(t.toArray()).toEqual(want);
    }
  });

  it("wrap on overflow as PyTorch's int32 does", () => {
    expect(ints([2147483647]).add(1).toArray()).toEqual([-2147483648]);
    // (2^31 − 1)² = 2^62 − 2^32 + 1: only 1 is left modulo 2^32, a bit that a double-precision product loses.
    expect(ints([2147483647, 65537]).mul(ints([2147483647, 65537])).toArray()).toEqual([1, 131073]);
  });

  it("reduce in int32: sum, and max and min of negative values", () => {
    const x = ints([-5, -2, -9, -1, -7, -3]).reshape([2, 3]);
    expect(x.sum().item()).toBe(-27);
    expect(x.sum(0).toArray()).toEqual([-6, -9, -12]);
    expect(x.max(1).toArray()).toEqual([-2, -1]);
    expect(x.max().item()).toBe(-1);
    expect(x.max(0, { keepDims: true }).toArray()).toEqual([[-1, -2, -3]]);
    expect(x.min().item()).toBe(-9);
    expect(x.sum().dtype).toBe("int32");
  });

  it("compare to int32 0/1, select with where, and move data like floats", () => {
    const x = ints([3, -1, 4]);
    expect(x.gt(0).toArray()).toEqual([1, 0, 1]);
    expect(x.eq(ints([3, 0, 4])).dtype).toBe("int32");
    expect(core.where(x.gt(0), x, ints([10, 20, 30])).toArray()).toEqual([3, 20, 4]);
    expect(core.concat([x, ints([9])]).toArray()).toEqual([3, -1, 4, 9]);
    expect(core.pad(x, [1], [0]).toArray()).toEqual([0, 3, -1, 4]);
    expect(x.reshape([3, 1]).broadcastTo([3, 2]).transpose().toArray()).toEqual([[3, -1, 4], [3, -1, 4]]);
    expect(core.stack([x, x]).slice([1, -1], [1, 1]).toArray()).toEqual([[4]]);
    expect(ints([[1, 2], [3, 4]]).matmul(ints([[5], [6]])).toArray()).toEqual([[17], [39]]);
  });

  it("promote to a float dtype when they meet one, or a fractional number", () => {
    expect(ints([1, 2]).mul(0.5).dtype).toBe("float32");
    expect(ints([1, 2]).mul(0.5).toArray()).toEqual([0.5, 1]);
    expect(ints([1, 2]).add(tensor([0.25, 0.5], { dtype: "float64" })).dtype).toBe("float64");
    expect(ints([1, 2]).add(tensor([0.5, 0.5])).toArray()).toEqual([1.5, 2.5]);
    expect(ints([3, 4]).cast("float32").mean().item()).toBe(3.5);
  });

  it("cast to and from floats, truncating toward zero", () => {
    expect(cast(tensor([1.9, -1.9, 2.5]), "int32").toArray()).toEqual([1, -1, 2]);
    expect(cast(ints([3]), "float64").data).toBeInstanceOf(Float64Array);
  });
});

describe("int32 and autodiff", () => {
  it("an int32 result is never taped, even from inputs that require grad", () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    const i = cast(x, "int32");
    expect(i.requiresGrad).toBe(false);
    expect(i.isLeaf).toBe(true);
  });

  it("a float op of an int32 and a float differentiates through the float only", () => {
    const scale = ints([2, 3]);
    expect(grad((x: Tensor) => x.mul(scale).sum())(tensor([1, 1], { dtype: "float64" })).toArray()).toEqual([2, 3]);
  });

  it("forward mode gives an int32 result no tangent", () => {
    const [out, tangent] = jvp((x: Tensor) => cast(x, "int32").cast("float64").add(x), [tensor([1.5], { dtype: "float64" })], [tensor([1], { dtype: "float64" })]);
    expect(out.toArray()).toEqual([2.5]);
    expect(tangent.toArray()).toEqual([1]);
  });
});

describe("int32 class indices", () => {
  const logits = tensor([[1, 2, 0.5], [0.1, -1, 3]], { dtype: "float64" });
  it("softmaxCrossEntropy takes them, with the same loss and gradient as float indices", () => {
    const [asInts, asFloats] = [ints([2, 0]), tensor([2, 0], { dtype: "float64" })];
    expect(softmaxCrossEntropy(logits, asInts).item()).toBe(softmaxCrossEntropy(logits, asFloats).item());
    const g = (t: Tensor): Tensor => grad((l: Tensor) => softmaxCrossEntropy(l, t))(logits);
    expect(g(asInts).toArray()).toEqual(g(asFloats).toArray());
  });

  it("an out-of-range int32 index is refused as a float one is", () => {
    expect(() => softmaxCrossEntropy(logits, ints([0, 3]))).toThrow("target[1] = 3 is not a class index in [0, 3)");
  });

  it("zeros of int32 hold no gradient", () => {
    expect(() => zeros([2], { dtype: "int32", requiresGrad: true })).toThrow(core.GradError);
  });
});
