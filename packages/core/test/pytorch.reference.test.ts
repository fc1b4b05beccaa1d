import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as core from "@tapegrad/core";
import { grad, tensor, type Tensor } from "@tapegrad/core";

/**
 * tapegrad against PyTorch's numbers for the same inputs, written by fixtures/ops.reference.py. float64
 * values and gradients agree to 1e-10 relative; float32 values to a few float32 ulps of the scale of the
 * computation (the operands' magnitude, which is where float32 rounding happens).
 */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

/** Asserts each value within `rtol` of PyTorch's, relative to `scale(i)` (the value's own magnitude by default). */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], rtol: number, what: string, scale?: (i: number) => number): void {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((e, i) => {
    const tolerance = rtol * (scale ? scale(i) : Math.abs(e));
    expect(Math.abs(actual[i]! - e), `${what}[${i}]: ${actual[i]} vs PyTorch's ${e}`).toBeLessThanOrEqual(tolerance);
  });
}

const F64 = 1e-10;
/** Four float32 ulps (2^-23 is one ulp at 1). */
const F32 = 4 * 2 ** -23;

interface UnaryVectors {
  x: number[];
  /** PyTorch's float64 values. */
  float64: number[];
  /** mpmath's values, exact to float64 rounding, and derivatives. */
  exact: number[];
  grad: number[];
  float32: number[];
}

const activations = fixture<Record<string, UnaryVectors>>("activations.json");
const unaryFns: Record<string, (x: Tensor) => Tensor> = {
  erf: core.erf,
  erfc: core.erfc,
  geluExact: (x) => core.gelu(x),
  geluTanh: (x) => core.gelu(x, { approximate: "tanh" }),
  softplus: core.softplus,
  logSigmoid: core.logSigmoid,
  silu: core.silu,
  log1p: core.log1p,
};

describe.each(Object.entries(unaryFns))("%s against PyTorch", (name, f) => {
  const v = activations[name]!;
  it("float64 values and derivatives equal the exact ones, including at ±100", () => {
    const x = tensor(v.x, { dtype: "float64" });
    expectClose(f(x).data, v.exact, F64, `${name}`);
    expectClose(grad((t: Tensor) => f(t).sum())(x).data, v.grad, F64, `${name}'`);
  });
  it("float64 values equal PyTorch's, to 1e-10 relative or to one rounding of x where PyTorch's formula cancels", () => {
    // PyTorch's GELU rounds 1 + erf(x/√2) near x for negative x: gelu(-6) is 1.3e-10 off, gelu(-30) is -0.
    expectClose(f(tensor(v.x, { dtype: "float64" })).data, v.float64, 1, `${name}`, (i) => Math.max(F64 * Math.abs(v.float64[i]!), 2 ** -52 * Math.abs(v.x[i]!)));
  });
  it("float32 values", () => {
    expectClose(f(tensor(v.x)).data, v.float32, F32, `${name} float32`, (i) => Math.max(1, Math.abs(v.x[i]!)));
  });
});

interface IndexCase {
  op: "gather" | "indexSelect" | "scatterAdd";
  axis: number;
  x: number[];
  shape: number[];
  index: number[];
  indexShape: number[];
  src?: number[];
  srcShape?: number[];
  out: number[];
  /** The weights of the loss sum(out * w) whose gradients gx and gsrc are. */
  w: number[];
  gx: number[];
  gsrc?: number[];
}

interface IndexingVectors {
  cases: IndexCase[];
  argInput: (number | null)[][];
  arg: Record<"argmax" | "argmin", { all: number; axis0: number[]; axis1: number[]; keep: number[]; keepShape: number[] }>;
  clampInput: number[];
  clamp: Record<string, { min: number | null; max: number | null; out: number[]; grad: number[] }>;
}

const indexing = fixture<IndexingVectors>("indexing.json");
const f64 = (values: number[], shape: number[]): Tensor => tensor(Float64Array.from(values), { shape });

describe("indexing against PyTorch", () => {
  it.each(indexing.cases.map((c, i) => [`${c.op} #${i} (axis ${c.axis}, index [${c.indexShape}])`, c] as const))("%s: values and gradients", (_, c) => {
    const index = tensor(Int32Array.from(c.index), { shape: c.indexShape });
    const x = f64(c.x, c.shape);
    const run = (xs: Tensor, src?: Tensor): Tensor =>
      c.op === "gather" ? core.gather(xs, c.axis, index) : c.op === "indexSelect" ? core.indexSelect(xs, c.axis, index) : core.scatterAdd(xs, c.axis, index, src!);
    const src = c.src ? f64(c.src, c.srcShape!) : undefined;
    const out = run(x, src);
    expect(out.shape).toEqual(c.op === "indexSelect" ? c.shape.map((d, i) => (i === (c.axis + c.shape.length) % c.shape.length ? c.index.length : d)) : c.op === "gather" ? c.indexShape : c.shape);
    expectClose(out.data, c.out, F64, "out");
    const w = f64(c.w, out.shape as number[]);
    const loss = (xs: Tensor, s?: Tensor): Tensor => run(xs, s).mul(w).sum();
    if (src) {
      const [gx, gsrc] = grad(loss, { argnums: [0, 1] })(x, src);
      expectClose(gx!.data, c.gx, F64, "dx");
      expectClose(gsrc!.data, c.gsrc!, F64, "dsrc");
    } else {
      expectClose(grad((xs: Tensor) => loss(xs))(x).data, c.gx, F64, "dx");
    }
  });

  it.each(["argmax", "argmin"] as const)("%s: first extreme wins, NaN counts as the extreme, keepDims", (name) => {
    const x = tensor(indexing.argInput.map((row) => row.map((v) => v ?? Number.NaN)));
    const want = indexing.arg[name];
    const f = name === "argmax" ? core.argmax : core.argmin;
    expect(f(x).item()).toBe(want.all);
    expect(f(x).dtype).toBe("int32");
    expect(Array.from(f(x, 0).data)).toEqual(want.axis0);
    expect(Array.from(f(x, -1).data)).toEqual(want.axis1);
    const kept = f(x, 1, { keepDims: true });
    expect(kept.shape).toEqual(want.keepShape);
    expect(Array.from(kept.data)).toEqual(want.keep);
  });

  it.each(Object.entries(indexing.clamp))("clamp (%s): values, and the gradient passes with the bounds included", (_, c) => {
    const x = tensor(indexing.clampInput, { dtype: "float64" });
    const f = (t: Tensor): Tensor => core.clamp(t, c.min ?? undefined, c.max ?? undefined);
    expect(Array.from(f(x).data)).toEqual(c.out);
    expect(Array.from(grad((t: Tensor) => f(t).sum())(x).data)).toEqual(c.grad);
  });
});
