import { Console } from "node:console";
import { PassThrough } from "node:stream";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { arange, jvp, tensor, ValueError, zeros, type FormatOptions, type Tensor } from "@tapegrad/core";

const wrappedValues = (n: number): number[] => Array.from({ length: n }, (_, i) => (((i * 37) % 101) - 50) / 8);
const leaf = (): Tensor => tensor([[1, 2], [3, 4.5]], { requiresGrad: true });

/**
 * The expected strings are PyTorch's own `repr` of the same values (PyTorch 1.13, Debian's python3-torch),
 * printed by format.pytorch.py beside this file, with only the suffix names translated to tapegrad's API
 * (`dtype=torch.float64` -> `dtype=float64`, `requires_grad=True` -> `requiresGrad=true`,
 * `grad_fn=<MulBackward0>` -> `gradFn=<mul>`, `size=(0, 3)` -> `shape=[0, 3]`). Print options are
 * `torch.set_printoptions` with the same values.
 */
const pytorch: [string, () => Tensor, FormatOptions | undefined, string][] = [
  ["integer-valued floats print as `1.`", () => tensor([[1, 2], [3, 4]]), undefined,
      "tensor([[1., 2.],\n" +
      "        [3., 4.]])"],
  ["fractions get 4 decimals and a common width", () => tensor([[0.5, 12.25, -3.125], [100.75, 0.25, 7]]), undefined,
      "tensor([[  0.5000,  12.2500,  -3.1250],\n" +
      "        [100.7500,   0.2500,   7.0000]])"],
  ["an exact tie rounds to even, as Python does", () => tensor([0.03125, 0.5, 1.0]), undefined, "tensor([0.0312, 0.5000, 1.0000])"],
  ["zeros, negative zero included", () => tensor([0, -0, 0]), undefined, "tensor([0., -0., 0.])"],
  ["negatives align with positives", () => tensor([-1, -2.5, 3]), undefined, "tensor([-1.0000, -2.5000,  3.0000])"],
  ["a range over 1000x goes scientific", () => tensor([1e-5, 1, 1e8]), undefined, "tensor([1.0000e-05, 1.0000e+00, 1.0000e+08])"],
  ["a fraction under 1e-4 goes scientific", () => tensor([0.5, 0.00005]), undefined, "tensor([5.0000e-01, 5.0000e-05])"],
  ["integers over 1e8 go scientific", () => tensor([1e9, 1]), undefined, "tensor([1.0000e+09, 1.0000e+00])"],
  ["integers over 1000x apart go scientific", () => tensor([1, 5000]), undefined, "tensor([1.0000e+00, 5.0000e+03])"],
  ["nan and infinities among integers", () => tensor([NaN, Infinity, -Infinity, 1, 2]), undefined, "tensor([nan, inf, -inf, 1., 2.])"],
  ["nan and infinities padded to the width", () => tensor([NaN, -Infinity, 1.5]), undefined, "tensor([   nan,   -inf, 1.5000])"],
  ["all nan", () => tensor([NaN, NaN]), undefined, "tensor([nan, nan])"],
  ["a scalar", () => tensor(3), undefined, "tensor(3.)"],
  ["a fractional scalar", () => tensor(3.14159), undefined, "tensor(3.1416)"],
  ["a float64 scalar", () => tensor(-0.5, { dtype: "float64" }), undefined, "tensor(-0.5000, dtype=float64)"],
  ["a large scalar", () => tensor(1e10), undefined, "tensor(1.0000e+10)"],
  ["an empty vector", () => tensor([]), undefined, "tensor([])"],
  ["an empty [0, 3] shows its shape", () => zeros([0, 3]), undefined, "tensor([], shape=[0, 3])"],
  ["an empty [2, 0] shows its shape", () => zeros([2, 0]), undefined, "tensor([], shape=[2, 0])"],
  ["an empty float64 shows its dtype", () => tensor([], { dtype: "float64" }), undefined, "tensor([], dtype=float64)"],
  ["int32 prints integers without a point", () => tensor([1, 2], { dtype: "int32" }), undefined, "tensor([1, 2], dtype=int32)"],
  ["int32 right-aligns to the widest value", () => tensor([[-1, 20], [300, 4]], { dtype: "int32" }), undefined,
      "tensor([[ -1,  20],\n" +
      "        [300,   4]], dtype=int32)"],
  ["an int32 scalar", () => tensor(7, { dtype: "int32" }), undefined, "tensor(7, dtype=int32)"],
  ["an empty int32", () => tensor([], { dtype: "int32" }), undefined, "tensor([], dtype=int32)"],
  ["a summarised int32 never goes scientific", () => arange(2000, undefined, 1, { dtype: "int32" }), undefined, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], dtype=int32)"],
  ["int32 extremes", () => tensor(Int32Array.of(-2147483648, 0)), undefined, "tensor([-2147483648,           0], dtype=int32)"],
  ["3-D int32", () => arange(24, undefined, 1, { dtype: "int32" }).reshape([2, 3, 4]).slice([0, 0, 0], [2, 2, 4]), undefined,
      "tensor([[[ 0,  1,  2,  3],\n" +
      "         [ 4,  5,  6,  7]],\n" +
      "\n" +
      "        [[12, 13, 14, 15],\n" +
      "         [16, 17, 18, 19]]], dtype=int32)"],
  ["1-D", () => tensor([1.25, 2.5, -3.75]), undefined, "tensor([ 1.2500,  2.5000, -3.7500])"],
  ["3-D: a blank line between blocks", () => arange(24).reshape([2, 3, 4]), undefined,
      "tensor([[[ 0.,  1.,  2.,  3.],\n" +
      "         [ 4.,  5.,  6.,  7.],\n" +
      "         [ 8.,  9., 10., 11.]],\n" +
      "\n" +
      "        [[12., 13., 14., 15.],\n" +
      "         [16., 17., 18., 19.],\n" +
      "         [20., 21., 22., 23.]]])"],
  ["4-D: two blank lines between blocks", () => arange(8).reshape([2, 1, 2, 2]), undefined,
      "tensor([[[[0., 1.],\n" +
      "          [2., 3.]]],\n" +
      "\n" +
      "\n" +
      "        [[[4., 5.],\n" +
      "          [6., 7.]]]])"],
  ["a long 1-D wraps at 80 columns", () => tensor(wrappedValues(30)), undefined,
      "tensor([-6.2500, -1.6250,  3.0000, -5.0000, -0.3750,  4.2500, -3.7500,  0.8750,\n" +
      "         5.5000, -2.5000,  2.1250, -5.8750, -1.2500,  3.3750, -4.6250,  0.0000,\n" +
      "         4.6250, -3.3750,  1.2500,  5.8750, -2.1250,  2.5000, -5.5000, -0.8750,\n" +
      "         3.7500, -4.2500,  0.3750,  5.0000, -3.0000,  1.6250])"],
  ["a long 1-D is summarised", () => arange(2000), undefined,
      "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n" +
      "        1.9990e+03])"],
  ["a summarised 1-D chooses its format from the shown values", () => arange(1001).div(2), undefined, "tensor([  0.0000,   0.5000,   1.0000,  ..., 499.0000, 499.5000, 500.0000])"],
  ["a big 2-D is summarised on both axes", () => tensor(Array.from({ length: 40 }, (_, i) => Array.from({ length: 40 }, (_, j) => ((i * 40 + j) % 7) - 3))), undefined,
      "tensor([[-3., -2., -1.,  ..., -1.,  0.,  1.],\n" +
      "        [ 2.,  3., -3.,  ..., -3., -2., -1.],\n" +
      "        [ 0.,  1.,  2.,  ...,  2.,  3., -3.],\n" +
      "        ...,\n" +
      "        [ 0.,  1.,  2.,  ...,  2.,  3., -3.],\n" +
      "        [-2., -1.,  0.,  ...,  0.,  1.,  2.],\n" +
      "        [ 3., -3., -2.,  ..., -2., -1.,  0.]])"],
  ["a 1000 x 1000 matrix", () => arange(1e6).reshape([1000, 1000]), undefined,
      "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 9.9700e+02, 9.9800e+02,\n" +
      "         9.9900e+02],\n" +
      "        [1.0000e+03, 1.0010e+03, 1.0020e+03,  ..., 1.9970e+03, 1.9980e+03,\n" +
      "         1.9990e+03],\n" +
      "        [2.0000e+03, 2.0010e+03, 2.0020e+03,  ..., 2.9970e+03, 2.9980e+03,\n" +
      "         2.9990e+03],\n" +
      "        ...,\n" +
      "        [9.9700e+05, 9.9700e+05, 9.9700e+05,  ..., 9.9800e+05, 9.9800e+05,\n" +
      "         9.9800e+05],\n" +
      "        [9.9800e+05, 9.9800e+05, 9.9800e+05,  ..., 9.9900e+05, 9.9900e+05,\n" +
      "         9.9900e+05],\n" +
      "        [9.9900e+05, 9.9900e+05, 9.9900e+05,  ..., 1.0000e+06, 1.0000e+06,\n" +
      "         1.0000e+06]])"],
  ["float64 shows its dtype", () => tensor([1 / 3, 2], { dtype: "float64" }), undefined, "tensor([0.3333, 2.0000], dtype=float64)"],
  ["a suffix that passes 80 columns wraps", () => tensor(wrappedValues(8), { dtype: "float64" }), undefined,
      "tensor([-6.2500, -1.6250,  3.0000, -5.0000, -0.3750,  4.2500, -3.7500,  0.8750],\n" +
      "       dtype=float64)"],
  ["a leaf that requires grad", leaf, undefined,
      "tensor([[1.0000, 2.0000],\n" +
      "        [3.0000, 4.5000]], requiresGrad=true)"],
  ["a taped tensor names its op", () => leaf().mul(leaf()), undefined,
      "tensor([[ 1.0000,  4.0000],\n" +
      "        [ 9.0000, 20.2500]], gradFn=<mul>)"],
  ["a scalar leaf", () => tensor(2, { requiresGrad: true }), undefined, "tensor(2., requiresGrad=true)"],
  ["precision", () => tensor([1 / 3, 2]), { precision: 2 }, "tensor([0.33, 2.00])"],
  ["threshold and edgeItems", () => arange(10), { threshold: 5, edgeItems: 2 }, "tensor([0., 1.,  ..., 8., 9.])"],
  ["edgeItems 1 on a summarised matrix", () => arange(100).reshape([10, 10]), { threshold: 5, edgeItems: 1 },
      "tensor([[ 0.,  ...,  9.],\n" +
      "        ...,\n" +
      "        [90.,  ..., 99.]])"],
  ["lineWidth", () => arange(10), { lineWidth: 30 },
      "tensor([0., 1., 2., 3., 4.,\n" +
      "        5., 6., 7., 8., 9.])"],
  ["sciMode false", () => tensor([1e-5, 1]), { sciMode: false }, "tensor([    0.0000,     1.0000])"],
  ["sciMode true", () => tensor([1.5, 2]), { sciMode: true }, "tensor([1.5000e+00, 2.0000e+00])"],
];

describe("format() prints as PyTorch does", () => {
  it.each(pytorch)("%s", (_, make, options, expected) => {
    expect(make().format(options)).toBe(expected);
  });
});

describe("format() where tapegrad decides", () => {
  it("a forward-mode dual shows its primal's values and its tangent; a zero tangent prints as 0", () => {
    const printed: string[] = [];
    jvp(
      (v) => {
        printed.push(v.sin().format(), v.gt(0).format());
        return v;
      },
      [tensor([0, 1])],
      [tensor([1, 1])],
    );
    expect(printed).toEqual(["tensor([0.0000, 0.8415], tangent=tensor([1.0000, 0.5403]))", "tensor([0., 1.], tangent=0)"]);
  });

  it("a nested dual lists the inner level's tangent first", () => {
    let printed = "";
    const inner = (v: Tensor) => (u: Tensor): Tensor => {
      printed = u.mul(v).format();
      return u;
    };
    jvp((v) => jvp(inner(v), [tensor([3, 4])], [tensor([0.5, 0.5])])[0], [tensor([1, 2])], [tensor([1, 1])]);
    expect(printed).toBe(
      "tensor([3., 8.], tangent=tensor([3., 4.]),\n" +
      "       tangent=tensor([0.5000, 1.0000], tangent=tensor([0.5000, 0.5000])))",
    );
  });

  it("a taped tensor keeps naming its op after backward has released the tape", () => {
    const y = leaf().mul(2).sum();
    y.backward();
    expect(y.format()).toBe("tensor(21., gradFn=<sum>)");
  });

  it("a composite op shows the primitive it ended with", () => {
    expect(leaf().sub(1).format()).toBe("tensor([[0.0000, 1.0000],\n        [2.0000, 3.5000]], gradFn=<add>)");
  });

  it("refuses options that are not non-negative integers, naming the option", () => {
    expect(() => tensor([1]).format({ precision: -1 })).toThrow(ValueError);
    expect(() => tensor([1]).format({ edgeItems: 1.5 })).toThrow("format: option edgeItems must be a non-negative integer (got 1.5)");
    expect(() => tensor([1]).format({ sciMode: "yes" as never })).toThrow(/option sciMode must be a boolean/);
  });

  // PyTorch 2 prints `tensor([...], size=(10,))`; 1.13 slices `x[-0:]` and shows every value after the dots.
  it("edgeItems 0 summarises to a bare ... and shows the shape, as PyTorch 2 does", () => {
    expect(arange(10).format({ threshold: 5, edgeItems: 0 })).toBe("tensor([...], shape=[10])");
  });

  it("toString() keeps its short dtype[shape] form", () => {
    expect(String(leaf())).toBe("float32[2,2]");
  });
});

describe("console.log and util.inspect print format()", () => {
  it("util.inspect of a tensor is its format()", () => {
    const t = leaf().mul(leaf());
    expect(inspect(t)).toBe(t.format());
  });

  it("console.log writes format() (a real Console, not a spy on its arguments)", () => {
    const out = new PassThrough();
    new Console(out).log(tensor([[1, 2], [3, 4]]));
    expect(String(out.read())).toBe("tensor([[1., 2.],\n        [3., 4.]])\n");
  });

  it("inside an object, Node indents the continuation lines under the key", () => {
    const t = tensor([[1, 2], [3, 4]]);
    expect(inspect({ w: t, b: tensor([0.5]) })).toBe(
      "{\n" +
      "  w: tensor([[1., 2.],\n" +
      "          [3., 4.]]),\n" +
      "  b: tensor([0.5000])\n" +
      "}",
    );
  });

  it("deeper than the inspect depth, a tensor is cut to [Tensor dtype[shape]] like Node's [Object]", () => {
    const deep = { a: { b: { c: tensor([1, 2]) } } };
    expect(inspect(deep)).toBe("{ a: { b: { c: [Tensor float32[2]] } } }");
    expect(inspect(deep, { depth: 3 })).toBe("{ a: { b: { c: tensor([1., 2.]) } } }");
  });
});
