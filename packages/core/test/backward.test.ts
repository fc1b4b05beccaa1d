import { describe, expect, it } from "vitest";
import { GradError, noGrad, randn, Rng, ShapeError, softmaxCrossEntropy, tapeStats, tensor, type Tensor } from "@tapegrad/core";

const f64 = (v: number): Tensor => tensor(v, { dtype: "float64", requiresGrad: true });

describe("backward()", () => {
  it("reproduces micrograd's more_ops check with PyTorch's values", () => {
    const a = f64(-4);
    const b = f64(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(tensor(10, { dtype: "float64" }).div(f));
    g.backward();
    expect(g.item()).toBeCloseTo(24.7041, 4);
    expect(a.grad!.item()).toBeCloseTo(138.8338, 4);
    expect(b.grad!.item()).toBeCloseTo(645.5773, 4);
  });

  it("accumulates into .grad across calls, like PyTorch, until zeroGrad", () => {
    const x = f64(3);
    x.mul(x).backward();
    x.mul(x).backward();
    expect(x.grad!.item()).toBe(12);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it("sums cotangents where a value fans out and un-broadcasts them to each input's shape", () => {
    const w = tensor([[1, 2, 3]], { requiresGrad: true });
    const bias = tensor(0.5, { requiresGrad: true });
    const y = w.add(bias).mul(w).sum();
    y.backward();
    expect(w.grad!.shape).toEqual([1, 3]);
    expect(w.grad!.toArray()).toEqual([[2.5, 4.5, 6.5]]);
    expect(bias.grad!.item()).toBe(6);
  });

  it("takes a seed cotangent for a non-scalar output", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).backward(tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([3, 30]);
  });

  it("explains what is wrong when it cannot run", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/float32\[2\] is not a scalar: pass a seed cotangent of shape \[2\]/);
    expect(() => tensor(1).mul(2).backward()).toThrow(/does not require grad/);
    expect(() => x.sum().backward(tensor([1, 2]))).toThrow(ShapeError);
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(GradError);
    expect(() => y.backward()).toThrow(/freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
  });

  it("walks a graph twice with retainGraph", () => {
    const x = tensor(2, { requiresGrad: true });
    const y = x.mul(x);
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.item()).toBe(8);
  });

  it("gives differentiable gradients with createGraph", () => {
    const x = f64(1.5);
    x.pow(3).backward(undefined, { createGraph: true });
    const dx = x.grad!; // 3x²
    expect(dx.item()).toBeCloseTo(6.75, 12);
    x.zeroGrad();
    dx.backward();
    expect(x.grad!.item()).toBeCloseTo(9, 12); // 6x
  });

  it("takes its options alone, as shared/API.md writes it: backward({ createGraph: true })", () => {
    const x = f64(1.5);
    x.pow(3).backward({ createGraph: true });
    const dx = x.grad!; // 3x²
    expect(dx.requiresGrad).toBe(true);
    x.zeroGrad();
    dx.backward();
    expect(x.grad!.item()).toBeCloseTo(9, 12); // 6x
    const y = x.mul(x);
    y.backward({ retainGraph: true });
    y.backward(tensor(2, { dtype: "float64" }), {});
    expect(x.grad!.item()).toBeCloseTo(9 + 3 + 6, 12); // 6x, then 2x, then 2·2x
  });

  it("says what is wrong with a seed or options, showing the seed's real shape and the output's", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrow("backward: the seed cotangent [3] must have the output's shape [2] (got [3], [2])");
    expect(() => y.backward([1, 1] as never)).toThrow("backward: the seed cotangent must be a Tensor or a number, got an array [1, 1] (wrap it with tensor())");
    expect(() => y.backward({ createGraph: true }, { retainGraph: true })).toThrow("backward: got options twice");
    expect(() => y.backward({ createGraf: true } as never)).toThrow('backward: unknown option "createGraf"; the options are retainGraph, createGraph, detectAnomaly');
    expect(() => y.backward(tensor([1, 1]), { retainGraph: "yes" } as never)).toThrow('backward: option retainGraph must be a boolean, got "yes"');
  });

  it("keeps a non-leaf's gradient after retainGrad(), as PyTorch's retain_grad()", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const other = x.mul(4);
    h.square().add(other).sum().backward();
    expect(h.grad!.toArray()).toEqual([6, 12]); // 2h
    expect(x.grad!.toArray()).toEqual([18 + 4, 36 + 4]);
    expect(h.retainsGrad && x.retainsGrad && !other.retainsGrad).toBe(true);
    expect(() => tensor([1]).retainGrad()).toThrow("retainGrad: float32[1] does not require grad");
  });

  it("warns once, naming retainGrad, when the PyTorch habit w = w.sub(w.grad.mul(lr)) makes w a non-leaf", () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (message: unknown) => void warnings.push(message);
    try {
      let w = tensor([1, 2], { requiresGrad: true });
      w.square().sum().backward();
      w = w.sub(w.grad!.mul(0.1)); // now computed by sub: a non-leaf
      w.square().sum().backward();
      expect(w.isLeaf).toBe(false);
      expect(w.grad).toBeNull();
      expect(w.grad).toBeNull();
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0])).toMatch(/float32\[2\], a non-leaf made by \w+, is null/);
      expect(String(warnings[0])).toContain("retainGrad()");
    } finally {
      console.warn = original;
    }
  });

  it("records nothing under noGrad and after detach", () => {
    const x = tensor([1], { requiresGrad: true });
    expect(noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(x.detach().mul(2).requiresGrad).toBe(false);
  });

  it("releases the tape after each step: 10,000 training steps hold the same tape size", () => {
    const rng = new Rng(0);
    const w = randn([4, 3], { rng, requiresGrad: true });
    const x = randn([8, 4], { rng });
    const labels = tensor([0, 1, 2, 0, 1, 2, 0, 1]);
    const before = tapeStats();
    let peak = 0;
    for (let step = 0; step < 10_000; step++) {
      softmaxCrossEntropy(x.matmul(w), labels).backward();
      noGrad(() => w.data.forEach((v, i) => (w.data[i] = v - 0.01 * w.grad!.data[i]!)));
      w.zeroGrad();
      const now = tapeStats();
      peak = Math.max(peak, now.liveNodes - before.liveNodes);
      expect(now.liveNodes).toBe(before.liveNodes);
      expect(now.liveBytes).toBe(before.liveBytes);
    }
    expect(peak).toBe(0);
  });
});

describe("limits", () => {
  it("refuses an op output too large to allocate, naming the op and the shapes", () => {
    const column = tensor(new Float32Array(100_000), { shape: [100_000, 1] });
    const row = tensor(new Float32Array(100_000), { shape: [1, 100_000] });
    expect(() => column.matmul(row)).toThrow(/matmul: the output \[100000,100000\] would have 10000000000 elements/);
    expect(() => column.add(row)).toThrow(ShapeError);
  });

  it("runs backward through a chain of 1,000,000 scalar ops", () => {
    const x = tensor(1, { dtype: "float64", requiresGrad: true });
    let y = x;
    for (let i = 0; i < 1_000_000; i++) y = y.mul(1.000001);
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(1.000001 ** 1_000_000, 6);
  });
});
