import fc from "fast-check";
import { runs } from "../../../test-support/fuzz.js";
import { describe, expect, it } from "vitest";
import {
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  tensor,
  Tensor,
  treeFlatten,
  treeMap,
  treeUnflatten,
  valueAndGrad,
  vjp,
  type Tree,
} from "@tapegrad/core";

/**
 * Pytrees: flattening and rebuilding round-trips over random nested structures, and every transform over
 * a tree gives what it gives over the same leaves passed one by one (the positional form, which the
 * rest of the suite checks against finite differences).
 */

const f64 = (values: number[]): Tensor => tensor(values, { dtype: "float64" });

/** Random pytrees: leaves are small float64 vectors or numbers; containers arrays and plain objects. */
const leaf = fc.oneof(
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 3 }).map(f64),
  fc.double({ min: -2, max: 2, noNaN: true }),
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.constantFrom(null, undefined),
    fc.array(tie("tree"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("w", "b", "layers", "x-y", "0"), tie("tree"), { maxKeys: 3 }),
  ),
}));

/** A tree that holds at least one Tensor leaf, so that a loss over it has something to differentiate. */
const tensorTree = tree.filter((t) => treeFlatten(t)[0].some((l) => l instanceof Tensor));

const sumOfSquares = (t: Tree): Tensor =>
  treeFlatten(t)[0].reduce<Tensor>((acc, l) => acc.add(l instanceof Tensor ? l.mul(l).mul(l).sum() : l * l), tensor(0, { dtype: "float64" }));

const values = (t: unknown): unknown => treeMap((l) => (l instanceof Tensor ? l.toArray() : l), t as Tree);

describe("pytrees", () => {
  it("treeUnflatten(treeFlatten(t)) rebuilds t, with the same leaves in the same places", () => {
    fc.assert(
      fc.property(tree, (t) => {
        const [leaves, def] = treeFlatten(t);
        const back = treeUnflatten(def, leaves);
        const [again, def2] = treeFlatten(back as Tree);
        expect(def2).toEqual(def);
        expect(again).toEqual(leaves);
        expect(again.every((l, i) => l === leaves[i])).toBe(true);
      }),
    );
  });

  it("treeMap keeps the structure and maps every leaf; several trees are zipped leaf by leaf", () => {
    fc.assert(
      fc.property(tree, (t) => {
        const doubled = treeMap((l) => (l instanceof Tensor ? l.mul(2) : l * 2), t);
        expect(treeFlatten(doubled as Tree)[1]).toEqual(treeFlatten(t)[1]);
        const summed = treeMap((a, b) => (a instanceof Tensor ? a.add(b as Tensor) : a + (b as number)), t, t);
        expect(values(summed)).toEqual(values(doubled));
      }),
    );
  });

  it("object keys are sorted, so key order does not change the structure", () => {
    const a = { w: tensor(1), b: tensor(2) };
    const b = { b: tensor(2), w: tensor(1) };
    expect(treeFlatten(a)[1]).toEqual(treeFlatten(b)[1]);
    expect(treeFlatten(a)[0][0]).toBe(a.b);
  });

  it("grad over a tree has the tree's structure and equals grad over its leaves one by one", () => {
    fc.assert(
      fc.property(tensorTree, (t) => {
        const [leaves, def] = treeFlatten(t);
        const g = grad((p: Tree) => sumOfSquares(p))(t as never); // the general Tree type matches the positional form too
        expect(treeFlatten(g as Tree)[1]).toEqual(def);
        const positional = grad((...ls: Tensor[]) => sumOfSquares(ls), { argnums: leaves.map((_, i) => i) })(...leaves);
        expect(treeFlatten(g as Tree)[0].map((l) => (l as Tensor).toArray())).toEqual(positional.map((l) => l.toArray()));
      }),
      runs(40),
    );
  });

  it("vjp and jvp over trees agree through ⟨ct, J·t⟩ = ⟨Jᵀ·ct, t⟩, with tree outputs", () => {
    fc.assert(
      fc.property(tensorTree, (t) => {
        const f = (p: Tree) => ({ square: treeMap((l) => (l instanceof Tensor ? l.mul(l) : l), p), total: sumOfSquares(p) });
        const ones = treeMap((l) => (l instanceof Tensor ? l.mul(0).add(1) : 1), t);
        const [out, pullback] = vjp(f, t);
        const [out2, tangent] = jvp(f, [t], [ones]);
        expect(values(out2)).toEqual(values(out));
        const ct = treeMap((l) => (l as Tensor).mul(0).add(0.5), out as Tree);
        const [back] = pullback(ct as never);
        const inner = (a: unknown, b: unknown) =>
          treeFlatten(treeMap((x, y) => (x as Tensor).mul(y as Tensor).sum(), a as Tree, b as Tree) as Tree)[0].reduce<number>((s, v) => s + (v as Tensor).item(), 0);
        // Number leaves are float32 scalars, so the two sides agree to float32 rounding, not float64's.
        const [a, b] = [inner(back, treeMap((l) => (l instanceof Tensor ? l : tensor(1)), ones as Tree)), inner(ct, tangent)];
        expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(b)));
      }),
      runs(30),
    );
  });
});

describe("transforms over pytrees", () => {
  const params = { w: f64([1, 2]), layers: [{ b: f64([0.5]) }, null], scale: 3 };
  const loss = (p: typeof params) => p.w.mul(p.layers[0]!.b).pow(2).sum().mul(p.scale);

  it("grad's result carries the structure (and its type)", () => {
    const g = grad(loss)(params);
    const w: Tensor = g.w;
    expect(w.toArray()).toEqual([2 * 1 * 0.25 * 3, 2 * 2 * 0.25 * 3]);
    expect(g.layers[0]!.b.toArray()).toEqual([2 * 0.5 * 5 * 3]);
    expect(g.layers[1]).toBeNull();
    expect(g.scale.item()).toBeCloseTo(1.25, 5); // a number leaf is a float32 scalar argument
  });

  it("valueAndGrad with hasAux returns [[value, aux], grads]; grad with hasAux [grads, aux]", () => {
    const f = (p: typeof params) => [loss(p), { norm: p.w.mul(p.w).sum() }] as const;
    const [[value, aux], g] = valueAndGrad(f, { hasAux: true })(params);
    expect(value.item()).toBeCloseTo(3.75, 10);
    expect(aux.norm.item()).toBe(5);
    expect(g.w.toArray()).toEqual(grad(loss)(params).w.toArray());
    const [g2, aux2] = grad(f, { hasAux: true })(params);
    expect(g2.w.toArray()).toEqual(g.w.toArray());
    expect(aux2.norm.item()).toBe(5);
  });

  it("argnums picks whole trees; positional tensors still work alongside", () => {
    const f = (p: { a: Tensor }, x: Tensor) => p.a.mul(x).sum();
    const [gp, gx] = grad(f, { argnums: [0, 1] })({ a: f64([1, 2]) }, f64([3, 4]));
    expect(gp.a.toArray()).toEqual([3, 4]);
    expect(gx.toArray()).toEqual([1, 2]);
  });

  it("jacrev and jacfwd give one Jacobian per leaf, in the argument's structure, and agree", () => {
    const f = (p: { u: Tensor; v: Tensor }) => p.u.mul(p.v.sum()).sin();
    const p = { u: f64([0.1, 0.2, 0.3]), v: f64([0.4, 0.5]) };
    const r = jacrev(f)(p);
    const d = jacfwd(f)(p);
    expect(r.u.shape).toEqual([3, 3]);
    expect(r.v.shape).toEqual([3, 2]);
    for (const k of ["u", "v"] as const) {
      (r[k].data as Float64Array).forEach((x, i) => expect(x).toBeCloseTo(d[k].data[i]!, 12));
    }
  });

  it("hessian over a tree is a tree of trees of blocks, equal to the Hessian of the leaves laid end to end", () => {
    const f = (p: { u: Tensor; v: Tensor }) => p.u.mul(p.v.sum()).sin().sum().add(p.v.pow(3).sum());
    const p = { u: f64([0.1, 0.2]), v: f64([0.4, 0.5, 0.6]) };
    const h = hessian(f)(p);
    const joint = hessian((x: Tensor) => f({ u: x.slice([0], [2]), v: x.slice([2], [3]) }))(f64([0.1, 0.2, 0.4, 0.5, 0.6]));
    const rows = joint.toArray() as number[][];
    const block = (r0: number, c0: number, nr: number, nc: number) => rows.slice(r0, r0 + nr).map((row) => row.slice(c0, c0 + nc));
    expect(h.u.u.toArray()).toEqual(block(0, 0, 2, 2));
    expect(h.u.v.toArray()).toEqual(block(0, 2, 2, 3));
    expect(h.v.u.toArray()).toEqual(block(2, 0, 3, 2));
    expect(h.v.v.toArray()).toEqual(block(2, 2, 3, 3));
    const hv = hvp(f, p, { u: f64([1, 0]), v: f64([0, 0, 1]) });
    const expected = rows.map((row) => row[0]! + row[4]!);
    [...hv.u.toArray() as number[], ...hv.v.toArray() as number[]].forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 12));
  });
});
