import fc from "fast-check";
import { runs } from "../../../test-support/fuzz.js";
import { describe, expect, it } from "vitest";
import {
  apply,
  binary,
  customJvp,
  customVjp,
  grad,
  gradcheck,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  tapeStats,
  tensor,
  unary,
  vjp,
  type Tensor,
} from "@tapegrad/core";

/**
 * customVjp and customJvp under every transform. Each custom function here has the same derivative as
 * a plain composite, so under grad, vjp, jvp, jacrev, jacfwd, hessian, hvp and grad∘grad the two must
 * agree to float64 rounding; gradcheck then holds the custom rules to finite differences. Separate cases
 * show that the custom rule, not the ops', is what runs (clipping, a stable log1pexp, a straight-through
 * estimator).
 */

const f64 = (values: number[]): Tensor => tensor(values, { dtype: "float64" });
const vector = fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 1, maxLength: 4 });

/** x·sin(y) over a pytree argument, with a reverse rule that saves cos(y) as its residual. */
const plain = (p: { x: Tensor; y: Tensor }): Tensor => p.x.mul(p.y.sin());
const byVjp = customVjp(plain, {
  fwd: (p) => [plain(p), { x: p.x, sin: p.y.sin(), cos: p.y.cos() }] as const,
  bwd: (r, ct) => [{ x: ct.mul(r.sin), y: ct.mul(r.x).mul(r.cos) }],
});
/** The same function with its forward rule: d(x sin y) = dx sin y + x cos y dy. */
const byJvp = customJvp(plain, {
  jvp: ([p], [dp]) => dp.x.mul(p.y.sin()).add(p.x.mul(p.y.cos()).mul(dp.y)),
});

const scalarOf = (g: (p: { x: Tensor; y: Tensor }) => Tensor) => (p: { x: Tensor; y: Tensor }) => g(p).tanh().sum();

function close(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b.data[i]!))));
}

describe.each([
  ["customVjp", byVjp],
  ["customJvp", byJvp],
] as const)("%s agrees with the plain composite under every transform", (_, custom) => {
  const point = fc.tuple(vector, vector).map(([a, b]) => {
    const n = Math.min(a.length, b.length);
    return { x: f64(a.slice(0, n)), y: f64(b.slice(0, n)) };
  });

  it("forward value, grad, grad∘grad, hessian and hvp", () => {
    fc.assert(
      fc.property(point, (p) => {
        close(custom(p), plain(p));
        const [gc, gp] = [grad(scalarOf(custom))(p), grad(scalarOf(plain))(p)];
        close(gc.x, gp.x);
        close(gc.y, gp.y);
        const second = (g: typeof plain) => (q: { x: Tensor; y: Tensor }) => grad(scalarOf(g))(q).y.sum();
        close(grad(second(custom))(p).x, grad(second(plain))(p).x);
        const [hc, hp] = [hessian(scalarOf(custom))(p), hessian(scalarOf(plain))(p)];
        for (const a of ["x", "y"] as const) for (const b of ["x", "y"] as const) close(hc[a][b], hp[a][b]);
        const v = { x: p.x.cos(), y: p.y.exp() };
        close(hvp(scalarOf(custom), p, v).y, hvp(scalarOf(plain), p, v).y);
      }),
      runs(25),
    );
  });

  it("jvp, vjp, jacrev and jacfwd", () => {
    fc.assert(
      fc.property(point, (p) => {
        const t = { x: p.x.mul(0.3).add(1), y: p.y.neg() };
        close(jvp(custom, [p], [t])[1], jvp(plain, [p], [t])[1]);
        const ct = p.y.add(2);
        const [[bc], [bp]] = [vjp(custom, p)[1](ct), vjp(plain, p)[1](ct)];
        close(bc.x, bp.x);
        close(bc.y, bp.y);
        close(jacrev(custom)(p).y, jacrev(plain)(p).y);
        close(jacfwd(custom)(p).x, jacfwd(plain)(p).x);
      }),
      runs(25),
    );
  });

  it("passes gradcheck to second order", () => {
    gradcheck((x, y) => custom({ x: x!, y: y! }), [f64([0.3, -1.1]), f64([0.7, 1.9])], { secondOrder: true });
  });

  it("leaves nothing on the tape after grad", () => {
    const p = { x: f64([0.3]), y: f64([0.2]) };
    const before = tapeStats().liveNodes;
    for (let i = 0; i < 20; i++) grad(scalarOf(custom))(p);
    expect(tapeStats().liveNodes).toBe(before);
  });
});

describe("the custom rule is the one that runs", () => {
  it("gradient clipping: identity forward, clipped backward", () => {
    const clip = customVjp((x: Tensor) => x, { fwd: (x) => [x, null], bwd: (_, ct) => [ct.clamp(-1, 1)] });
    const x = f64([1, 2]);
    expect(clip(x).toArray()).toEqual([1, 2]);
    expect(grad((x: Tensor) => clip(x).mul(tensor([5, 0.5], { dtype: "float64" })).sum())(x).toArray()).toEqual([1, 0.5]);
  });

  it("log1pexp with its stable derivative: the plain composite's gradient is NaN at 1000, the custom one's is 1", () => {
    const naive = (x: Tensor) => x.exp().log1p();
    const log1pexp = customJvp(naive, { jvp: ([x], [dx]) => x.sigmoid().mul(dx) });
    const x = f64([1000, 0, -30]);
    expect(Number.isNaN(grad((x: Tensor) => naive(x).sum())(x).data[0])).toBe(true);
    const g = grad((x: Tensor) => log1pexp(x).sum())(x).toArray() as number[];
    expect(g[0]).toBe(1);
    expect(g[1]).toBe(0.5);
    expect(g[2]).toBeCloseTo(1 / (1 + Math.exp(30)), 25);
  });

  it("a straight-through estimator for rounding: round forward, identity backward", () => {
    const roundOp = unary({ name: "round", f: Math.round, df: ({ x }) => x.mul(0) });
    const round = (x: Tensor) => apply(roundOp, [x], undefined);
    const ste = customVjp(round, { fwd: (x) => [round(x), null], bwd: (_, ct) => [ct] });
    const x = f64([0.2, 1.7]);
    expect(ste(x).toArray()).toEqual([0, 2]);
    expect(grad((x: Tensor) => round(x).sum())(x).toArray()).toEqual([0, 0]);
    expect(grad((x: Tensor) => ste(x).mul(x).sum())(x).toArray()).toEqual([0.2 + 0, 1.7 + 2]);
  });

  it("binary builds an elementwise op from f and its partial derivatives", () => {
    const hypotOp = binary({ name: "hypot", f: Math.hypot, dfdx: ({ x, out }) => x.div(out), dfdy: ({ y, out }) => y.div(out) });
    const hypot = (x: Tensor, y: Tensor) => apply(hypotOp, [x, y], undefined);
    expect(hypot(f64([3]), f64([4])).toArray()).toEqual([5]);
    gradcheck((x, y) => hypot(x!, y!), [f64([3, -1.2]), tensor([[4, 0.5], [1, 2]], { dtype: "float64" })], { secondOrder: true });
  });

  it("an argument whose bwd cotangent is null gets zeros; int32 arguments pass through untouched", () => {
    const pick = customVjp((x: Tensor, idx: Tensor) => x.gather(0, idx), {
      fwd: (x, idx) => [x.gather(0, idx), idx] as const,
      bwd: (idx, ct) => [tensor([0, 0, 0], { dtype: "float64" }).scatterAdd(0, idx, ct), null],
    });
    const idx = tensor([2, 0], { dtype: "int32" });
    expect(grad((x: Tensor) => pick(x, idx).mul(f64([10, 1])).sum())(f64([1, 2, 3])).toArray()).toEqual([1, 0, 10]);
  });
});
