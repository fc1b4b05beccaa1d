import { describe, expect, it } from "vitest";
import {
  checkpoint,
  grad,
  gradcheck,
  hessian,
  jvp,
  randn,
  resetTapePeak,
  Rng,
  tapeStats,
  tensor,
  type Tensor,
} from "@tapegrad/core";

/**
 * checkpoint(f): the same numbers as f under every transform, with a smaller tape. The memory test is
 * the claim itself: a 50-layer MLP whose layers are checkpointed in segments of 7 keeps a fraction of
 * the tape bytes at its peak, and its gradients are the same bits.
 */

type Layer = { w: Tensor; b: Tensor };
const layerOf = (h: Tensor, { w, b }: Layer): Tensor => h.matmul(w).add(b).tanh();
const run = (h: Tensor, layers: readonly Layer[]): Tensor => layers.reduce(layerOf, h);

function mlp(depth: number, width: number, seed: number): Layer[] {
  const rng = new Rng(seed);
  return Array.from({ length: depth }, () => ({
    w: randn([width, width], { rng, dtype: "float64" }).mul(1 / Math.sqrt(width)),
    b: randn([width], { rng, dtype: "float64" }).mul(0.1),
  }));
}

/** Segments of `size` layers, each one checkpointed piece. */
const segmented = (size: number) => {
  const piece = checkpoint(run);
  return (h: Tensor, layers: readonly Layer[]): Tensor => {
    for (let i = 0; i < layers.length; i += size) h = piece(h, layers.slice(i, i + size));
    return h;
  };
};

/** The peak tape bytes that `fn` adds, and its result. */
function peakOf<T>(fn: () => T): [number, T] {
  resetTapePeak();
  const before = tapeStats().liveBytes;
  const result = fn();
  return [tapeStats().peakBytes - before, result];
}

describe("checkpoint", () => {
  it("a 50-layer MLP keeps far fewer tape bytes at its peak, with identical gradients", () => {
    const layers = mlp(50, 64, 0);
    const x = randn([16, 64], { rng: new Rng(1), dtype: "float64" });
    const loss = (body: typeof run) => (ls: Layer[]) => body(x, ls).square().sum();
    const [plainPeak, plain] = peakOf(() => grad(loss(run))(layers));
    const [checkpointedPeak, checkpointed] = peakOf(() => grad(loss(segmented(7)))(layers));
    checkpointed.forEach((g, i) => {
      expect(g.w.toArray()).toEqual(plain[i]!.w.toArray());
      expect(g.b.toArray()).toEqual(plain[i]!.b.toArray());
    });
    // 150 taped [16,64] float64 outputs without; 8 segment outputs plus one segment's 21 with.
    expect(plainPeak).toBeGreaterThanOrEqual(150 * 16 * 64 * 8);
    expect(checkpointedPeak).toBeLessThan(plainPeak / 4);
  });

  it("backward() on a checkpointed model fills .grad as the plain one does, and frees the tape", () => {
    const layers = mlp(5, 4, 2);
    const x = randn([3, 4], { rng: new Rng(3), dtype: "float64" });
    for (const l of layers) l.w.requiresGrad = true;
    run(x, layers).sum().backward();
    const expected = layers.map((l) => l.w.grad!.toArray());
    for (const l of layers) l.w.zeroGrad();
    const nodes = tapeStats().liveNodes;
    segmented(2)(x, layers).sum().backward();
    expect(layers.map((l) => l.w.grad!.toArray())).toEqual(expected);
    expect(tapeStats().liveNodes).toBe(nodes);
  });

  it("agrees with f under jvp, hessian and grad∘grad, and passes gradcheck to second order", () => {
    const f = (x: Tensor, y: Tensor) => x.mul(y).sin().add(x.square()).sum();
    const g = checkpoint(f);
    const x = tensor([0.3, -0.8], { dtype: "float64" });
    const y = tensor([1.1, 0.4], { dtype: "float64" });
    expect(jvp(g, [x, y], [y, x])[1].item()).toBeCloseTo(jvp(f, [x, y], [y, x])[1].item(), 14);
    expect(hessian(g)(x, y).toArray()).toEqual(hessian(f)(x, y).toArray());
    expect(grad((x: Tensor) => grad(g)(x, y).sum())(x).toArray()).toEqual(grad((x: Tensor) => grad(f)(x, y).sum())(x).toArray());
    gradcheck((x, y) => g(x!, y!), [x, y], { secondOrder: true });
  });

  it("called outside any differentiation it is f", () => {
    const g = checkpoint((x: Tensor) => x.mul(2));
    expect(g(tensor([1, 2])).toArray()).toEqual([2, 4]);
  });
});
