import { describe, expect, it } from "vitest";
import {
  checkpoint,
  customJvp,
  customVjp,
  DTypeError,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  randn,
  Rng,
  tensor,
  ValueError,
  vmap,
  type Tensor,
} from "@tapegrad/core";

/**
 * Transforms whose function returns a pytree: customVjp, customJvp and checkpoint give back the output's
 * structure and take (or give) its cotangents and tangents in that structure; jacrev and jacfwd nest the
 * output's structure around the arguments'. Each is checked against the same function without the
 * transform (or against the other mode), in float64.
 */

const rng = new Rng(11);
const x = randn([3], { rng, dtype: "float64" });
const v = randn([3], { rng, dtype: "float64" });

function expectClose(got: Tensor, want: Tensor, what: string): void {
  expect(got.shape, what).toEqual(want.shape);
  got.data.forEach((g, i) => expect(Math.abs(g - want.data[i]!), `${what} at ${i}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want.data[i]!))));
}

/** The plain function the custom rules below restate: two outputs of different shapes. */
const plain = (x: Tensor) => ({ double: x.mul(2), wave: x.sin().sum() });
const scalarOf = (o: { double: Tensor; wave: Tensor }) => o.double.mul(o.double).sum().add(o.wave.mul(3));

const viaVjp = customVjp(plain, {
  fwd: (x: Tensor) => [plain(x), x] as const,
  bwd: (x: Tensor, ct: { double: Tensor; wave: Tensor }) => [ct.double.mul(2).add(x.cos().mul(ct.wave))],
});
const viaJvp = customJvp(plain, { jvp: ([x], [dx]) => ({ double: dx.mul(2), wave: x.cos().mul(dx).sum() }) });
const viaCheckpoint = checkpoint(plain);

describe("customVjp, customJvp and checkpoint over a function that returns a pytree", () => {
  const cases = [
    ["customVjp", viaVjp],
    ["customJvp", viaJvp],
    ["checkpoint", viaCheckpoint],
  ] as const;

  it.each(cases)("%s returns the output's structure and equals the plain function under grad, jvp, hessian and vmap", (name, f) => {
    const out = f(x);
    expectClose(out.double, plain(x).double, `${name} value`);
    expectClose(grad((t: Tensor) => scalarOf(f(t)))(x), grad((t: Tensor) => scalarOf(plain(t)))(x), `${name} grad`);
    const [, tangent] = jvp(f, [x], [v]);
    const [, want] = jvp(plain, [x], [v]);
    expectClose(tangent.double, want.double, `${name} jvp double`);
    expectClose(tangent.wave, want.wave, `${name} jvp wave`);
    expectClose(hessian((t: Tensor) => scalarOf(f(t)))(x), hessian((t: Tensor) => scalarOf(plain(t)))(x), `${name} hessian`);
    const xs = randn([4, 3], { rng, dtype: "float64" });
    const perExample = vmap(grad((t: Tensor) => scalarOf(f(t))))(xs);
    expectClose(perExample, vmap(grad((t: Tensor) => scalarOf(plain(t))))(xs), `${name} vmap of grad`);
  });

  it("a customVjp's bwd receives the cotangent of every output leaf, zeros for a leaf the loss does not use", () => {
    const seen: number[][] = [];
    const f = customVjp(plain, {
      fwd: (x: Tensor) => [plain(x), x] as const,
      bwd: (x: Tensor, ct: { double: Tensor; wave: Tensor }) => {
        seen.push([...ct.double.toArray() as number[], ct.wave.item()]);
        return [ct.double.mul(2).add(x.cos().mul(ct.wave))];
      },
    });
    grad((t: Tensor) => f(t).wave)(x);
    expect(seen).toEqual([[0, 0, 0, 1]]);
  });

  it("refuses output leaves of different dtypes, naming the leaves", () => {
    const mixed = checkpoint((x: Tensor) => ({ a: x, b: x.cast("float32") }));
    expect(() => grad((t: Tensor) => mixed(t).a.sum())(x)).toThrow(DTypeError);
    expect(() => grad((t: Tensor) => mixed(t).a.sum())(x)).toThrow("checkpoint: the function's output leaves must share one dtype: output.a is float64 but output.b is float32");
  });

  it("refuses a customJvp rule whose tangent tree does not match the output, naming the path", () => {
    const bad = customJvp(plain, { jvp: ([x], [dx]) => ({ double: dx.mul(2) }) as never });
    expect(() => jvp(bad, [x], [v])).toThrow(ValueError);
    expect(() => jvp(bad, [x], [v])).toThrow("customJvp: jvp's tangent: expected an object with keys double, wave, got an object with keys double");
  });
});

describe("jacrev and jacfwd of a function that returns a pytree", () => {
  type Params = { w: Tensor; b: Tensor };
  const params: Params = { w: randn([2, 3], { rng, dtype: "float64" }), b: randn([2], { rng, dtype: "float64" }) };
  const f = (p: Params, x: Tensor) => ({ y: p.w.matmul(x).add(p.b).tanh(), norm: p.w.square().sum() });

  it("nest the output's structure around the argument's; the two modes agree", () => {
    const r = jacrev(f)(params, x);
    const fw = jacfwd(f)(params, x);
    expect(r.y.w.shape).toEqual([2, 2, 3]);
    expect(r.y.b.shape).toEqual([2, 2]);
    expect(r.norm.w.shape).toEqual([2, 3]);
    expectClose(r.norm.w, params.w.mul(2), "d norm / d w");
    for (const [out, leaf] of [["y", "w"], ["y", "b"], ["norm", "w"], ["norm", "b"]] as const) expectClose(fw[out][leaf], r[out][leaf], `jacfwd ${out}.${leaf}`);
  });

  it("with argnums as a list, each output leaf holds one tree per argument", () => {
    const [dParams, dx] = jacrev(f, { argnums: [0, 1] })(params, x).y;
    expect(dParams.w.shape).toEqual([2, 2, 3]);
    expectClose(dx, jacrev((t: Tensor) => f(params, t).y)(x), "d y / d x");
  });
});
