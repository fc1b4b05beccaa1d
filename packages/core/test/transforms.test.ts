import { describe, expect, it } from "vitest";
import { DTypeError, grad, GradError, hvp, jvp, noGrad, ShapeError, tapeStats, tensor, valueAndGrad, ValueError, vjp, type Tensor } from "@tapegrad/core";

const s = (v: number): Tensor => tensor(v, { dtype: "float64" });

describe("function transforms", () => {
  it("grad and valueAndGrad follow argnums", () => {
    const f = (x: Tensor, y: Tensor): Tensor => x.mul(y).add(y.square()).sum();
    expect(grad(f)(s(2), s(3)).item()).toBe(3);
    expect(grad(f, { argnums: 1 })(s(2), s(3)).item()).toBe(8);
    const [value, [gx, gy]] = valueAndGrad(f, { argnums: [0, 1] })(s(2), s(3));
    expect([value.item(), gx!.item(), gy!.item()]).toEqual([15, 3, 8]);
  });

  it("nest to any order: grad of grad of grad", () => {
    const d3 = grad(grad(grad((x) => x.pow(4))));
    expect(d3(s(2)).item()).toBeCloseTo(48, 10); // 24x
  });

  it("keep perturbations apart when nested (no perturbation confusion)", () => {
    // d/dx [ x · d/dy (x + y) ] = d/dx [ x · 1 ] = 1; mixing the two derivatives would give 2.
    const inner = (x: Tensor): Tensor => grad((y: Tensor) => x.add(y))(s(1));
    expect(grad((x: Tensor) => x.mul(inner(x)))(s(5)).item()).toBe(1);
    const innerJvp = (x: Tensor): Tensor => jvp((y) => x.add(y), [s(1)], [s(1)])[1];
    expect(jvp((x) => x.mul(innerJvp(x)), [s(5)], [s(1)])[1].item()).toBe(1);
  });

  it("run forward over reverse (jvp of grad) and reverse over forward (grad of jvp)", () => {
    const f = (x: Tensor): Tensor => x.sin().mul(x).sum();
    const x = s(0.7);
    const second = -Math.sin(0.7) * 0.7 + 2 * Math.cos(0.7); // d²/dx² (x sin x)
    expect(jvp(grad(f), [x], [s(1)])[1].item()).toBeCloseTo(second, 12);
    expect(grad((y: Tensor) => jvp(f, [y], [s(1)])[1])(x).item()).toBeCloseTo(second, 12);
    expect(hvp(f, x, s(2)).item()).toBeCloseTo(2 * second, 12);
  });

  it("differentiate through values captured from an enclosing taped computation", () => {
    // A gradient penalty: the gradient w.r.t. x depends on w, and its size is then differentiated w.r.t. w.
    const w = tensor([1.5, -2], { dtype: "float64", requiresGrad: true });
    const gx = grad((x: Tensor) => x.mul(w).square().sum(), { createGraph: true })(tensor([1, 1], { dtype: "float64" })); // 2 w² x
    gx.square().sum().backward(); // Σ 4 w⁴ → 16 w³
    expect(w.grad!.toArray()).toEqual([16 * 1.5 ** 3, 16 * -8]);
  });

  it("return a plain value when f closes over parameters, and leave nothing on the tape across 500 calls", () => {
    const w = tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true });
    const b = tensor([0.1, 0.2], { requiresGrad: true });
    const loss = (x: Tensor) => x.matmul(w).add(b).tanh().square().sum();
    const x = tensor([[1, 2]]);
    const first = grad(loss)(x);
    expect(first.requiresGrad).toBe(false);
    expect(first.isLeaf).toBe(true);
    const before = tapeStats().liveNodes;
    for (let i = 0; i < 500; i++) grad(loss)(x);
    expect(tapeStats().liveNodes).toBe(before);
    const taped = tensor([[1, 2]], { requiresGrad: true });
    expect(grad(loss)(taped).requiresGrad).toBe(false); // a taped argument does not ask for a graph either
    expect(tapeStats().liveNodes).toBe(before);
    expect(w.grad).toBeNull(); // grad never writes .grad
  });

  it("leave a graph built before them intact, so backward() can still walk it", () => {
    const w = tensor([1.5, -2], { requiresGrad: true });
    const h = w.mul(2); // taped outside the transform
    const g = grad((x: Tensor) => x.mul(h).sum())(tensor([1, 1]));
    expect(g.toArray()).toEqual([3, -4]);
    h.sum().backward();
    expect(w.grad!.toArray()).toEqual([2, 2]);
  });

  it("work inside noGrad without taping anything for the outside", () => {
    const g = noGrad(() => grad((x: Tensor) => x.square())(s(3)));
    expect(g.item()).toBe(6);
    expect(g.requiresGrad).toBe(false);
  });

  it("vjp returns a reusable pullback", () => {
    const [out, pullback] = vjp((x, y) => x.mul(y), tensor([1, 2]), tensor([3, 4]));
    expect(out.toArray()).toEqual([3, 8]);
    expect(pullback(tensor([1, 1])).map((t) => t.toArray())).toEqual([[3, 4], [1, 2]]);
    expect(pullback(tensor([2, 0])).map((t) => t.toArray())).toEqual([[6, 0], [2, 0]]);
  });

  it("jvp returns a zero tangent for an output that does not depend on the input", () => {
    const [out, t] = jvp(() => tensor([1, 2]), [s(1)], [s(1)]);
    expect(out.toArray()).toEqual([1, 2]);
    expect(t.toArray()).toEqual([0, 0]);
  });

  it("refuse bad calls with errors that say what to fix", () => {
    expect(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2]))).toThrow(/must return a scalar, got float32\[2\]/);
    expect(() => grad((() => 3) as never)(s(1))).toThrow(ValueError);
    expect(() => grad((x: Tensor) => x, { argnums: 2 })(s(1))).toThrow(/argnums 2 is out of range for 1 arguments/);
    expect(() => jvp((x) => x, [tensor([1, 2])], [tensor([1])])).toThrow(ShapeError);
    expect(() => jvp((x) => x, [tensor([1])], [tensor([1], { dtype: "float64" })])).toThrow(DTypeError);
    expect(() => jvp((x) => x, [tensor([1])], [])).toThrow(/same length/);
    let leaked: Tensor | null = null;
    jvp((x) => (leaked = x), [s(1)], [s(1)]);
    expect(() => leaked!.mul(2)).toThrow(GradError);
  });
});

describe("dtypes", () => {
  it("promote float32 with float64 to float64, and gradients return in each input's dtype", () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { dtype: "float64", requiresGrad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe("float64");
    y.sum().backward();
    expect(a.grad!.dtype).toBe("float32");
    expect(b.grad!.dtype).toBe("float64");
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });

  it("give numbers the dtype of the tensor they meet", () => {
    expect(tensor([1], { dtype: "float64" }).add(0.1).data[0]).toBe(1.1);
    expect(tensor([1]).add(0.1).dtype).toBe("float32");
  });

  it("take a number into a float64 computation in float64, also through sub, div and minimum", () => {
    const x = tensor([1], { dtype: "float64" });
    expect(x.sub(0.1).item()).toBe(1 - 0.1);
    expect(x.div(0.9).item()).toBe(1 * (1 / 0.9)); // was 1.1111111640930176: 1/0.9 rounded to float32 first
    expect(x.minimum(0.1).item()).toBe(0.1);
    expect(tensor([1]).div(0.9).item()).toBe(Math.fround(1 / 0.9));
  });

  it("reject unknown dtypes", () => {
    expect(() => tensor([1], { dtype: "int8" as never })).toThrow(/unknown dtype "int8"/);
  });
});

describe("shape errors name the op and the shapes", () => {
  it("for every kind of mismatch", () => {
    expect(() => tensor([[1, 2, 3]]).matmul(tensor([[1, 2, 3, 4]]))).toThrow("matmul: inner dimensions differ (3 != 1) (got [1,3], [1,4])");
    expect(() => tensor([1, 2]).add(tensor([1, 2, 3]))).toThrow("add: shapes do not broadcast (dim -1: 2 vs 3) (got [2], [3])");
    expect(() => tensor([1, 2, 3]).reshape([2, 2])).toThrow("reshape: cannot reshape 3 elements into this shape (got [3], [2,2])");
    expect(() => tensor([1, 2]).sum(1)).toThrow("sum: axis 1 is out of range for rank 1 (got [2])");
    expect(() => tensor([[1, 2]]).transpose([0, 0])).toThrow(/transpose: \[0,0\] is not a permutation/);
    expect(() => tensor([1, 2]).slice([1], [2])).toThrow(/slice: box at \[1\] of size \[2\] is not inside the input/);
    expect(() => tensor([1, 2]).mul("x" as never)).toThrow('mul: each input must be a Tensor or a number, got "x"');
    try {
      tensor([[1, 2, 3]]).matmul(tensor([[1, 2]]));
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect((e as ShapeError).op).toBe("matmul");
      expect((e as ShapeError).shapes).toEqual([[1, 3], [1, 2]]);
    }
  });
});
