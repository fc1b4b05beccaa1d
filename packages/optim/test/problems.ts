import { Rng, tensor, type Tensor } from "@tapegrad/core";

/**
 * The problems the convergence and resume tests train on, generated with core's seeded Rng so that no
 * test depends on another package.
 */

/** An ill-conditioned quadratic bowl ½ Σ c_i (w_i − t_i)², minimum 0 at t (curvatures 1 and 20). */
export function bowl(w: Tensor): Tensor {
  const c = tensor([1, 20], { dtype: w.dtype });
  const t = tensor([1, -1], { dtype: w.dtype });
  return w.sub(t).square().mul(c).sum().mul(0.5);
}

/**
 * Two interleaved half-moons in the plane (the lecture's closing two-class picture), n points each,
 * with Gaussian noise of the given scale; y is the class index 0 or 1.
 */
export function moons(n: number, noise: number, rng: Rng): { x: Tensor; y: Tensor } {
  const x = new Float32Array(4 * n);
  const y = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = (Math.PI * i) / (n - 1);
    const points = [
      [Math.cos(a), Math.sin(a)],
      [1 - Math.cos(a), 0.5 - Math.sin(a)],
    ];
    points.forEach(([px, py], cls) => {
      const j = 2 * i + cls;
      x[2 * j] = px! + noise * rng.normal();
      x[2 * j + 1] = py! + noise * rng.normal();
      y[j] = cls;
    });
  }
  return { x: tensor(x, { shape: [2 * n, 2] }), y: tensor(y) };
}

/** The lecture's four-layer network (§1) with ReLU hidden units: 2 → h → h → 2 logits. */
export interface Mlp {
  readonly params: Tensor[];
  forward(x: Tensor): Tensor;
}

/** An MLP with He-scaled normal weights drawn from `rng`. */
export function mlp(hidden: number, rng: Rng): Mlp {
  const layer = (n: number, m: number): [Tensor, Tensor] => {
    const w = Float32Array.from({ length: n * m }, () => rng.normal() * Math.sqrt(2 / m));
    return [tensor(w, { shape: [n, m], requiresGrad: true }), tensor(new Float32Array(n), { requiresGrad: true })];
  };
  const [w1, b1] = layer(hidden, 2);
  const [w2, b2] = layer(hidden, hidden);
  const [w3, b3] = layer(2, hidden);
  return {
    params: [w1, b1, w2, b2, w3, b3],
    forward: (x) => {
      const a = x.matmul(w1.transpose()).add(b1).relu();
      const b = a.matmul(w2.transpose()).add(b2).relu();
      return b.matmul(w3.transpose()).add(b3);
    },
  };
}
