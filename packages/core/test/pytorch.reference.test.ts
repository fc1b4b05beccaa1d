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

interface ConvCase {
  x: number[];
  xShape: number[];
  w: number[];
  wShape: number[];
  bias: number[] | null;
  options: core.Conv2dOptions;
  out: number[];
  outShape: number[];
  out32: number[];
  /** The weights of the loss sum(out * weights) whose gradients gx, gw and gb are. */
  weights: number[];
  gx: number[];
  gw: number[];
  gb: number[] | null;
}

interface PoolCase {
  op: "maxPool2d" | "avgPool2d";
  x: number[];
  xShape: number[];
  options: core.Pool2dOptions;
  out: number[];
  outShape: number[];
  weights: number[];
  gx: number[];
}

const convolution = fixture<{ conv2d: ConvCase[]; pools: PoolCase[] }>("convolution.json");
const describeOptions = (o: object): string => JSON.stringify(o).replace(/"/g, "");

describe("conv2d against PyTorch", () => {
  it.each(convolution.conv2d.map((c) => [`x [${c.xShape}] ⋆ w [${c.wShape}]${c.bias ? " + bias" : ""} ${describeOptions(c.options)}`, c] as const))(
    "%s: output and the gradients for input, weight and bias (float64)",
    (_, c) => {
      const [x, w] = [f64(c.x, c.xShape), f64(c.w, c.wShape)];
      const b = c.bias ? f64(c.bias, [c.bias.length]) : undefined;
      const out = core.conv2d(x, w, b, c.options);
      expect(out.shape).toEqual(c.outShape);
      expectClose(out.data, c.out, F64, "out");
      const weights = f64(c.weights, c.outShape);
      const loss = (xs: Tensor, ws: Tensor, bs?: Tensor): Tensor => core.conv2d(xs, ws, bs, c.options).mul(weights).sum();
      const grads = b ? grad(loss, { argnums: [0, 1, 2] })(x, w, b) : grad(loss, { argnums: [0, 1] })(x, w);
      expectClose(grads[0]!.data, c.gx, F64, "dx");
      expectClose(grads[1]!.data, c.gw, F64, "dw");
      if (b) expectClose(grads[2]!.data, c.gb!, F64, "dbias");
    },
  );

  it.each(convolution.conv2d.map((c, i) => [i, c] as const))("case %i in float32, within a float32 dot product's rounding", (_, c) => {
    const x = tensor(Float32Array.from(c.x), { shape: c.xShape });
    const w = tensor(Float32Array.from(c.w), { shape: c.wShape });
    const out = core.conv2d(x, w, c.bias ? tensor(c.bias) : undefined, c.options);
    // Scale: the sum of |x|·|w| over a window, bounded here by the taps times the largest |x|·|w|.
    const taps = c.wShape[1]! * c.wShape[2]! * c.wShape[3]!;
    const scale = taps * Math.max(...c.x.map(Math.abs)) * Math.max(...c.w.map(Math.abs));
    expectClose(out.data, c.out32, F32, "out", () => scale);
  });
});

describe("pooling against PyTorch", () => {
  it.each(convolution.pools.map((c) => [`${c.op} [${c.xShape}] ${describeOptions(c.options)}`, c] as const))("%s: output and gradient (float64)", (_, c) => {
    const x = f64(c.x, c.xShape);
    const pool = (t: Tensor): Tensor => (c.op === "maxPool2d" ? core.maxPool2d(t, c.options) : core.avgPool2d(t, c.options));
    const out = pool(x);
    expect(out.shape).toEqual(c.outShape);
    expectClose(out.data, c.out, F64, "out");
    const weights = f64(c.weights, c.outShape);
    expectClose(grad((t: Tensor) => pool(t).mul(weights).sum())(x).data, c.gx, F64, "dx");
  });
});
