import * as core from "@tapegrad/core";
import { describe, expect, it } from "vitest";
import {
  adviseMode, grad, jacfwd, jacrev, jvp, profile, Rng, randn, tapeStats, tensor, where, type Tensor,
} from "@tapegrad/core";

const rng = new Rng(7);
const f64 = { dtype: "float64" as const, rng };

describe("profile counts FLOPs exactly", () => {
  it("a matmul costs 2mnk, one call", () => {
    const [m, k, n] = [3, 5, 7];
    const p = profile(() => randn([m, k], f64).matmul(randn([k, n], f64)));
    expect(p.flops).toBe(2 * m * k * n);
    expect(p.byOp).toEqual({ matmul: { calls: 1, flops: 2 * m * k * n } });
    expect(p.result.shape).toEqual([m, n]);
    expect(p.ms).toBeGreaterThanOrEqual(0);
  });

  it("a conv2d costs 2·(C/groups)·kh·kw per output element (docs/cost.md), one call", () => {
    // x [2, 4, 5, 5] ⋆ w [6, 2, 3, 3] with groups 2 and padding 1: out [2, 6, 5, 5], 2·3·3 taps each.
    const p = profile(() => core.conv2d(randn([2, 4, 5, 5], f64), randn([6, 2, 3, 3], f64), undefined, { groups: 2, padding: 1 }));
    expect(p.result.shape).toEqual([2, 6, 5, 5]);
    expect(p.byOp).toEqual({ conv2d: { calls: 1, flops: 2 * 2 * 3 * 3 * (2 * 6 * 5 * 5) } });
  });

  it("forward mode counts the primal and the tangent work: a matvec's JVP is two matvecs", () => {
    const [m, k] = [4, 6];
    const W = randn([m, k], f64);
    const p = profile(() => jvp((x) => W.matmul(x), [randn([k, 1], f64)], [randn([k, 1], f64)]));
    expect(p.byOp).toEqual({ matmul: { calls: 2, flops: 2 * (2 * m * k) } });
  });

  /**
   * The lecture's network with one hidden layer: y = W2 relu(W1 x + b1) + b2, loss ½‖y − t‖². Every
   * count below is worked out by hand from the primitives each line uses (relu written as where(gt(z, 0), z, 0);
   * a − b is add(a, neg(b)); ½‖·‖² is mul(sum(mul(d, d)), 0.5)) and each primitive's cost rule.
   */
  describe("a 2-layer network, by hand", () => {
    const [n0, n1, n2] = [3, 5, 2];
    const x = randn([n0, 1], f64);
    const t = randn([n2, 1], f64);
    const params = [randn([n1, n0], f64), randn([n1, 1], f64), randn([n2, n1], f64), randn([n2, 1], f64)];
    params.forEach((p) => (p.requiresGrad = true));
    const loss = (W1: Tensor, b1: Tensor, W2: Tensor, b2: Tensor): Tensor => {
      const z = W1.matmul(x).add(b1);
      const h = where(z.gt(0), z, 0);
      const d = W2.matmul(h).add(b2).sub(t);
      return d.mul(d).sum().mul(0.5);
    };

    const forward = {
      matmul: { calls: 2, flops: 2 * n1 * n0 + 2 * n2 * n1 }, // W1·x and W2·h, 2mnk each (k = 1 column)
      add: { calls: 3, flops: n1 + n2 + n2 }, // + b1, + b2, and the add of the subtraction
      gt: { calls: 1, flops: n1 },
      where: { calls: 1, flops: n1 },
      neg: { calls: 1, flops: n2 }, // of t, in the subtraction
      mul: { calls: 2, flops: n2 + 1 }, // d·d, and the scalar · 0.5
      sum: { calls: 1, flops: n2 }, // one per input element
    };
    const total = (counts: Record<string, { flops: number }>): number => Object.values(counts).reduce((a, c) => a + c.flops, 0);

    it("forward pass", () => {
      const p = profile(() => loss(...(params as [Tensor, Tensor, Tensor, Tensor])));
      expect(p.byOp).toEqual(forward);
      expect(p.flops).toBe(2 * n1 * n0 + 2 * n2 * n1 + 3 * n1 + 5 * n2 + 1);
      expect(p.flops).toBe(total(forward));
    });

    it("backward pass", () => {
      const out = loss(...(params as [Tensor, Tensor, Tensor, Tensor]));
      const p = profile(() => out.backward());
      // Walking back: mul by 0.5 → 1 scalar mul (the constant 0.5 needs no cotangent); sum → a
      // broadcast (free); d·d → ct·d twice (2·n2) and their accumulation on d (n2); the adds pass
      // cotangents through (free); W2·h → ct·hᵀ (2·n2·n1) and W2ᵀ·ct (2·n1·n2); where → one select for
      // the taken branch (n1; the constant 0 needs none); W1·x → ct·xᵀ only (2·n1·n0), since x needs no
      // cotangent.
      expect(p.byOp).toEqual({
        mul: { calls: 3, flops: 1 + 2 * n2 },
        add: { calls: 1, flops: n2 },
        matmul: { calls: 3, flops: 2 * n2 * n1 + 2 * n1 * n2 + 2 * n1 * n0 },
        where: { calls: 1, flops: n1 },
        // Data movement is counted as calls with zero FLOPs: the sum's reshape and broadcast. The
        // matmul cotangents read their transposed operands in place, so no transpose is taped.
        reshape: { calls: 1, flops: 0 },
        broadcastTo: { calls: 1, flops: 0 },
      });
      expect(p.flops).toBe(4 * n1 * n2 + 2 * n1 * n0 + 3 * n2 + n1 + 1);
      params.forEach((w) => expect(w.grad?.shape).toEqual(w.shape));
    });
  });

  it("peakTapeBytes is the most bytes fn's taped values held at once", () => {
    const x = randn([10], f64);
    x.requiresGrad = true;
    const before = tapeStats().liveBytes;
    const p = profile(() => x.mul(x).sum()); // a taped [10] float64 product and a taped scalar
    expect(p.peakTapeBytes).toBe(8 * 10 + 8);
    p.result.backward();
    expect(tapeStats().liveBytes).toBe(before);
  });

  it("a profile inside another keeps the outer one's peak and counts its FLOPs in both", () => {
    const [x, y] = [randn([10], f64), randn([50], f64)];
    x.requiresGrad = true;
    y.requiresGrad = true;
    const outer = profile(() => {
      y.mul(y).sum().backward(); // 400 + 8 bytes taped, then released by the backward pass
      return profile(() => x.add(1).sum().mul(2)); // 80 + 8 + 8 bytes taped, after the outer peak
    });
    const inner = outer.result;
    expect(inner.peakTapeBytes).toBe(8 * 10 + 8 + 8);
    expect(outer.peakTapeBytes).toBe(8 * 50 + 8);
    expect(inner.flops).toBe(10 + 10 + 1); // add, sum, mul
    // y·y and its sum; backward: two products ct·y (mul's rule forms both) and their accumulation; the inner profile.
    expect(outer.flops).toBe(50 + 50 + (50 + 50 + 50) + inner.flops);
    inner.result.backward();
  });
});

describe("adviseMode", () => {
  const W = randn([3, 40], f64);
  const wide = (x: Tensor): Tensor => W.matmul(x).tanh().sum(); // 40 inputs, 1 output
  const v = randn([30, 1], f64);
  const tall = (s: Tensor): Tensor => v.mul(s).sin(); // 1 input, 30 outputs

  it("predicts exactly the FLOPs that profile counts for jacfwd and jacrev", () => {
    for (const [f, x] of [[wide, randn([40, 1], f64)], [tall, randn([], f64)]] as const) {
      const advice = adviseMode(f, [x]);
      expect(advice.forwardFlops).toBe(profile(() => jacfwd(f)(x)).flops);
      expect(advice.reverseFlops).toBe(profile(() => jacrev(f)(x)).flops);
    }
  });

  it("counts chunked forward mode and several arguments exactly", () => {
    const f = (a: Tensor, b: Tensor): Tensor => a.matmul(b).sigmoid();
    const [a, b] = [randn([2, 5], f64), randn([5, 3], f64)];
    const advice = adviseMode(f, [a, b], { argnums: [0, 1], chunkSize: 4 });
    expect(advice.inputSize).toBe(10 + 15);
    expect(advice.outputSize).toBe(6);
    expect(advice.forwardFlops).toBe(profile(() => jacfwd(f, { argnums: [0, 1], chunkSize: 4 })(a, b)).flops);
    expect(advice.reverseFlops).toBe(profile(() => jacrev(f, { argnums: [0, 1] })(a, b)).flops);
  });

  it("picks reverse mode for a wide Jacobian and forward mode for a tall one, saying by how much", () => {
    const w = adviseMode(wide, [randn([40, 1], f64)]);
    expect([w.mode, w.inputSize, w.outputSize]).toEqual(["reverse", 40, 1]);
    expect(w.ratio).toBe(w.forwardFlops / w.reverseFlops);
    expect(w.ratio).toBeGreaterThan(1);
    expect(w.summary).toContain(`reverse mode is ${w.ratio.toFixed(1)}× cheaper`);
    const t = adviseMode(tall, [tensor(0.3, { dtype: "float64" })]);
    expect([t.mode, t.inputSize, t.outputSize]).toEqual(["forward", 1, 30]);
    expect(t.ratio).toBe(t.reverseFlops / t.forwardFlops);
    expect(t.ratio).toBeGreaterThan(1);
  });

  it("is exact for the gradient of a loss over several parameters", () => {
    const x = randn([4, 1], f64);
    const loss = (W1: Tensor, W2: Tensor): Tensor => W2.matmul(W1.matmul(x).sigmoid()).square().sum();
    const [W1, W2] = [randn([6, 4], f64), randn([2, 6], f64)];
    const advice = adviseMode(loss, [W1, W2], { argnums: [0, 1] });
    expect(advice.mode).toBe("reverse");
    expect(advice.reverseFlops).toBe(profile(() => jacrev(loss, { argnums: [0, 1] })(W1, W2)).flops);
    expect(advice.forwardFlops).toBe(profile(() => jacfwd(loss, { argnums: [0, 1] })(W1, W2)).flops);
    // One reverse row is the gradient: a forward pass and one backward pass.
    const g = profile(() => grad(loss, { argnums: [0, 1] })(W1, W2));
    expect(advice.reverseFlops).toBe(g.flops);
  });

  it("refuses a non-function and arguments that are not an array", () => {
    expect(() => adviseMode(3 as unknown as (x: Tensor) => Tensor, [tensor([1])])).toThrow("adviseMode: expected a function of Tensors, got 3");
    expect(() => adviseMode(wide, tensor([1]) as unknown as Tensor[])).toThrow("adviseMode: args must be an array");
  });
});
