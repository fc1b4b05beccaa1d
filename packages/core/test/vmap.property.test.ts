import fc from "fast-check";
import { runs } from "../../../test-support/fuzz.js";
import { describe, expect, it } from "vitest";
import {
  apply,
  cast,
  checkpoint,
  concat,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacrev,
  jvp,
  primitives,
  randn,
  reshape,
  Rng,
  tensor,
  vmap,
  type AnyOpRule,
  type Tensor,
} from "@tapegrad/core";
import { accepts, caseGen, drawInputs, drawShapes, type Gen } from "../../../test-support/opHarness.js";

/**
 * vmap against the loop it replaces: for every primitive in the registry, in float64 and float32, a
 * batch of drawn examples (each input mapped or shared at random, along a random axis) through
 * `vmap(op)` must equal the op applied to each example and stacked. This holds each op's batching rule
 * ("broadcasts" or its own function) to the loop, with every combination of batched and shared inputs.
 */

/** `xs` stacked along a new axis `axis`. */
function stackAt(xs: readonly Tensor[], axis: number): Tensor {
  return concat(xs.map((x) => reshape(x, [...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)])), axis);
}

function expectClose(got: Tensor, want: Tensor, tolerance: number, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  expect(got.dtype, what).toBe(want.dtype);
  got.data.forEach((v, i) => {
    const w = want.data[i]!;
    if (Number.isNaN(w)) expect(Number.isNaN(v), what).toBe(true);
    else expect(Math.abs(v - w), `${what} at ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(w)));
  });
}

describe.each([
  ["float64", 1e-12],
  ["float32", 1e-5],
] as const)("vmap of every primitive equals the loop over examples (%s)", (dtype, tolerance) => {
  const rules = (primitives as readonly AnyOpRule[]).map((r) => [r.name, r] as const);
  it.each(rules)("%s", (name, rule) => {
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 3 }), (gen: Gen, batch) => {
        const g = caseGen(gen);
        const { shapes, params } = drawShapes(rule, g);
        const indices = rule.indexInputs ?? [];
        const toDtype = (xs: Tensor[]) => xs.map((x) => (x.dtype === "int32" || dtype === "float64" ? x : cast(x, dtype)));
        const examples = Array.from({ length: batch }, () => toDtype(drawInputs(g, rule.test, shapes, params, indices)));
        const op = (...xs: Tensor[]) => apply(rule, xs, params);
        // Some specs draw cases their own shape rule refuses; those test nothing here.
        fc.pre(examples.every((xs) => accepts(() => op(...xs))));
        // A third of the cases batch every input, so the rules for two or more batched inputs (conv2d's
        // weights and inputs, scatterAdd's index and source, ...) are always exercised.
        const allMapped = g.int(0, 2) === 0;
        const mappedInputs = shapes.map(() => allMapped || g.bool());
        if (!mappedInputs.some(Boolean)) mappedInputs[0] = true;
        const axes = shapes.map((s, i) => (mappedInputs[i] ? g.int(0, s.length) : null));
        const args = shapes.map((_, i) => (axes[i] === null ? examples[0]![i]! : stackAt(examples.map((xs) => xs[i]!), axes[i]!)));
        const got = vmap(op, { inAxes: axes })(...args);
        const want = stackAt(examples.map((xs) => op(...xs.map((x, i) => (axes[i] === null ? examples[0]![i]! : x)))), 0);
        expectClose(got, want, tolerance, `${name} with inAxes ${JSON.stringify(axes)}`);
      }),
      runs(15),
    );
  });
});

describe("vmap(vmap(op)) of every primitive equals the double loop (float64)", () => {
  // Each input batched at both levels: the inner level's rule meets values that the outer level batches.
  const rules = (primitives as readonly AnyOpRule[]).map((r) => [r.name, r] as const);
  it.each(rules)("%s", (name, rule) => {
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), (gen: Gen, outer, inner) => {
        const g = caseGen(gen);
        const { shapes, params } = drawShapes(rule, g);
        const indices = rule.indexInputs ?? [];
        const grid = Array.from({ length: outer }, () => Array.from({ length: inner }, () => drawInputs(g, rule.test, shapes, params, indices)));
        const op = (...xs: Tensor[]) => apply(rule, xs, params);
        fc.pre(grid.flat().every((xs) => accepts(() => op(...xs))));
        const args = shapes.map((_, i) => stackAt(grid.map((row) => stackAt(row.map((xs) => xs[i]!), 0)), 0));
        const want = stackAt(grid.map((row) => stackAt(row.map((xs) => op(...xs)), 0)), 0);
        expectClose(vmap(vmap(op))(...args), want, 1e-12, `${name} nested`);
      }),
      runs(8),
    );
  });
});

describe("vmap composes", () => {
  it("nests: vmap(vmap(f)) maps two axes", () => {
    const x = randn([2, 3, 4], { rng: new Rng(0), dtype: "float64" });
    const got = vmap(vmap((r: Tensor) => r.softmax().mul(r).sum()))(x);
    const want = x.softmax(-1).mul(x).sum(-1);
    expectClose(got, want, 1e-12, "nested vmap");
    const outer = vmap(vmap((a: Tensor, b: Tensor) => a.mul(b).sum(), { inAxes: [0, null] }), { inAxes: [null, 0] });
    const [a, b] = [randn([3, 4], { rng: new Rng(1), dtype: "float64" }), randn([2, 4], { rng: new Rng(2), dtype: "float64" })];
    expectClose(outer(a, b), b.matmul(a.transpose()), 1e-12, "outer product of rows");
  });

  it("vmap(jvp) and jvp(vmap) agree with the loop", () => {
    const f = (x: Tensor) => x.sin().mul(x.sum());
    const xs = randn([4, 3], { rng: new Rng(3), dtype: "float64" });
    const ts = randn([4, 3], { rng: new Rng(4), dtype: "float64" });
    const loop = stackAt(Array.from({ length: 4 }, (_, k) => jvp(f, [xs.slice([k, 0], [1, 3]).reshape([3])], [ts.slice([k, 0], [1, 3]).reshape([3])])[1]), 0);
    expectClose(vmap((x: Tensor, t: Tensor) => jvp(f, [x], [t])[1])(xs, ts), loop, 1e-12, "vmap of jvp");
    expectClose(jvp(vmap(f), [xs], [ts])[1], loop, 1e-12, "jvp of vmap");
  });

  it("grad of a vmapped loss equals the loop's summed gradient; outAxes moves the batch axis", () => {
    const w = randn([3, 2], { rng: new Rng(5), dtype: "float64" });
    const xs = randn([5, 3], { rng: new Rng(6), dtype: "float64" });
    const one = (w: Tensor, x: Tensor) => x.matmul(w).tanh().sum();
    const g = grad((w: Tensor) => vmap(one, { inAxes: [null, 0] })(w, xs).sum())(w);
    const loop = Array.from({ length: 5 }, (_, k) => grad(one)(w, xs.slice([k, 0], [1, 3]).reshape([3]))).reduce((a, b) => a.add(b));
    expectClose(g, loop, 1e-12, "grad of vmap");
    expect(vmap((x: Tensor) => x.mul(2), { outAxes: 1 })(xs).shape).toEqual([3, 5]);
  });

  it("an unmapped output is broadcast over the batch; pytrees in and out", () => {
    const out = vmap((p: { a: Tensor; b: Tensor }) => ({ s: p.a.add(p.b), c: tensor(7, { dtype: "float64" }) }), { inAxes: [{ a: 0, b: null }] })({
      a: tensor([[1, 2], [3, 4]], { dtype: "float64" }),
      b: tensor([10, 20], { dtype: "float64" }),
    });
    expect(out.s.toArray()).toEqual([[11, 22], [13, 24]]);
    expect(out.c.toArray()).toEqual([7, 7]);
  });

  it("outAxes null returns a leaf that does not depend on the mapped axis once, and refuses one that does, naming its path", () => {
    const b = tensor([10, 20], { dtype: "float64" });
    const f = (a: Tensor, c: Tensor) => ({ sum: a.add(c), shared: c.mul(2) });
    const out = vmap(f, { inAxes: [0, null], outAxes: { sum: 0, shared: null } })(tensor([[1, 2], [3, 4]], { dtype: "float64" }), b);
    expect(out.shared.shape).toEqual([2]);
    expect(out.shared.toArray()).toEqual([20, 40]);
    expect(out.sum.toArray()).toEqual([[11, 22], [13, 24]]);
    expect(() => vmap(f, { inAxes: [0, null], outAxes: null })(tensor([[1, 2], [3, 4]]), b)).toThrow(/vmap: outAxes is null for output\.sum, but it depends on the mapped axis/);
  });
});

describe("vmap over the other transforms and custom rules", () => {
  const xs = randn([4, 3], { rng: new Rng(7), dtype: "float64" });
  const rows = Array.from({ length: 4 }, (_, k) => xs.slice([k, 0], [1, 3]).reshape([3]));
  const loopOf = (f: (x: Tensor) => Tensor) => stackAt(rows.map(f), 0);

  it("vmap(hessian(f)) and vmap(jacrev(f)) equal the loop", () => {
    const f = (x: Tensor) => x.sin().mul(x.sum()).sum();
    expectClose(vmap(hessian(f))(xs), loopOf(hessian(f)), 1e-12, "vmap of hessian");
    const g = (x: Tensor) => x.tanh().mul(x);
    expectClose(vmap(jacrev(g))(xs), loopOf(jacrev(g)), 1e-12, "vmap of jacrev");
  });

  it("customVjp, customJvp and checkpoint under vmap(grad) equal the loop", () => {
    const cube = customVjp((x: Tensor) => x.pow(3), { fwd: (x) => [x.pow(3), x] as const, bwd: (x, ct) => [ct.mul(x.square()).mul(3)] });
    const softplus = customJvp((x: Tensor) => x.exp().log1p(), { jvp: ([x], [dx]) => x.sigmoid().mul(dx) });
    const block = checkpoint((x: Tensor) => x.sin().mul(x).sum());
    for (const [name, f] of [["customVjp", (x: Tensor) => cube(x).sum()], ["customJvp", (x: Tensor) => softplus(x).sum()], ["checkpoint", block]] as const) {
      expectClose(vmap(grad(f))(xs), loopOf(grad(f)), 1e-12, `vmap(grad) of ${name}`);
      expectClose(vmap(f)(xs), loopOf(f), 1e-12, `vmap of ${name}`);
    }
  });

  it("runs a custom function once on the whole batch, not once per example", () => {
    let calls = 0;
    const cube = customVjp((x: Tensor) => x.pow(3), {
      fwd: (x) => {
        calls++;
        return [x.pow(3), x] as const;
      },
      bwd: (x, ct) => [ct.mul(x.square()).mul(3)],
    });
    const perExample = vmap(grad((x: Tensor) => cube(x).sum()))(xs);
    expectClose(perExample, xs.square().mul(3), 1e-12, "per-example gradients of x³");
    expect(calls).toBe(1);
  });
});
