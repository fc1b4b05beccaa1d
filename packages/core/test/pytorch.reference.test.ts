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
