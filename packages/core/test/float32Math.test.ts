import { describe, expect, it } from "vitest";
import { exp, setKernels, tanh, tensor } from "../src/index.js";
import { exp32, float32MathConstants, tanh32 } from "../src/kernels/float32Math.js";
import { expLanes, tanhLanes } from "../src/kernels/wasm/float32Lanes.js";
import { add32, brIf, const32, end, get, i32, load128, loop, ltU32, module, set, store128, v128, type Code, type LaneLocals } from "../src/kernels/wasm/assembler.js";
import { residentAddress } from "../src/kernels/wasm/resident.js";
import { residentCopy as residentOf, residentZeros } from "../src/kernels/wasm/residentArrays.js";
import { Tensor } from "../src/tensor.js";
import { instantiateOver, memoryImport, wasmRuntime } from "../src/kernels/wasm/runtime.js";

/**
 * float32 exp and tanh (kernels/float32Math.ts): the 4-lane WebAssembly formulas give the scalar
 * functions' bits on a sweep of the float32 values and on the edges of each step of the algorithm, and
 * the scalar functions are within 1 ulp of Math.exp and Math.tanh rounded to float32.
 */

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);
const floatOf = (b: number): number => ((bits[0] = b), asFloat[0]!);
const bitsOf = (v: number): number => ((asFloat[0] = v), bits[0]!);
/** A float32's position on the number line in ulps (−0 and +0 both at 0), so that distances are ulps. */
const ordinal = (v: number): number => {
  const b = bitsOf(v);
  return b < 0 ? -(b & 0x7fffffff) : b;
};
/** `v` and its float32 neighbours up to `k` ulps away. */
const around = (v: number, k = 2): number[] => Array.from({ length: 2 * k + 1 }, (_, i) => floatOf(bitsOf(Math.fround(v)) + i - k));

const K = float32MathConstants;
const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.1754942e-38, -1.1754942e-38, 3.4028235e38, -3.4028235e38, 1, -1];
/** Inputs at each step's edges: exp's overflow and underflow (normal and subnormal), its clamps, ties of n = round(x·log2 e), tanh's switch and saturation. */
const edges = [
  ...specials,
  ...[88.72283, 88.72284, 88.376, -87.33654, -103.27893, -103.97208, -104, 89, K.expLow, K.expHigh].flatMap((v) => around(v, 3)),
  ...Array.from({ length: 279 }, (_, i) => (i - 150 + 0.5) / K.log2e).flatMap((v) => around(v, 1)),
  ...[K.tanhSmall, -K.tanhSmall, 9.01, -9.01, 44.36, 1e-4, -1e-4, 2 ** -12, -(2 ** -12)].flatMap((v) => around(v, 3)),
];
/** Every `stride`-th float32 bit pattern, both signs, NaNs included, plus the edges: about 4.2 million values. */
const stride = 1021;
const sweep = Float32Array.from({ length: Math.floor(2 ** 32 / stride) + edges.length }, (_, i) => (i < edges.length ? edges[i]! : floatOf((i - edges.length) * stride)));

/** Runs `formula` over `xs` in a loop of four lanes at a time, as jit's SIMD loops do. */
function runLanes(formula: (x: Code, locals: LaneLocals) => Code, xs: Float32Array): Float32Array {
  const rt = wasmRuntime();
  expect(rt, "WebAssembly SIMD with a shared memory, as Node has").not.toBeNull();
  const [input, output] = [residentZeros(xs.length)!, residentZeros(xs.length)!];
  input.set(xs);
  // params: in, out, bytes; locals: o, then the formula's temporaries
  let next = 4;
  const lanes = formula([...get(0), ...get(3), ...add32, ...load128()], { v128: () => next++ });
  const body = [...loop, ...get(1), ...get(3), ...add32, ...lanes, ...store128(), ...get(3), ...const32(16), ...add32, ...set(3), ...get(3), ...get(2), ...ltU32, ...brIf(0), ...end];
  const func = { name: "run", params: [i32, i32, i32], results: [], locals: [i32, ...new Array<number>(next - 4).fill(v128)], body };
  const { run } = instantiateOver(rt!, "float32 lanes", module([func], memoryImport(rt!.shared))) as { run(input: number, output: number, bytes: number): void };
  run(residentAddress(input)!, residentAddress(output)!, Math.ceil(xs.length / 4) * 16);
  return output.slice();
}

/** Positions where `actual` and `expected` differ in bits (any NaN equals any NaN), described. */
function differences(xs: Float32Array, actual: ArrayLike<number>, expected: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < xs.length && out.length < 10; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) out.push(`${xs[i]}: ${actual[i]} against ${expected[i]}`);
  }
  return out;
}

/** The largest distance in ulps between `f` and `reference` rounded to float32 over `xs`, and where. */
function worstUlps(xs: Float32Array, f: (v: number) => number, reference: (v: number) => number): { ulps: number; at: number } {
  let worst = { ulps: 0, at: 0 };
  for (const x of xs) {
    const [got, want] = [f(x), Math.fround(reference(x))];
    if (Number.isNaN(want) && Number.isNaN(got)) continue;
    const ulps = Number.isNaN(got) !== Number.isNaN(want) ? Infinity : Math.abs(ordinal(got) - ordinal(want));
    if (ulps > worst.ulps) worst = { ulps, at: x };
  }
  return worst;
}

describe.each([
  ["exp", exp32, expLanes, Math.exp],
  ["tanh", tanh32, tanhLanes, Math.tanh],
] as const)("float32 %s", (name, scalar, lanes, reference) => {
  it("four SIMD lanes give the scalar function's bits on a sweep of float32 values and their edges", () => {
    expect(differences(sweep, runLanes(lanes, sweep), sweep.map(scalar))).toEqual([]);
  });

  it("is within 1 ulp of the float64 function rounded to float32", () => {
    expect(worstUlps(sweep, scalar, reference).ulps).toBeLessThanOrEqual(1);
    // Near 0 and around 1, where most activations are, every float32 value.
    const dense = Float32Array.from({ length: 1 << 20 }, (_, i) => floatOf(bitsOf(name === "exp" ? -1 : -2) + i * 7));
    expect(worstUlps(dense, scalar, reference).ulps).toBeLessThanOrEqual(1);
  });

  it("gives the special values their IEEE results", () => {
    const results = specials.map(scalar);
    const expected = specials.map((v) => Math.fround(reference(v)));
    expect(results.map((v, i) => Object.is(v, expected[i]))).toEqual(specials.map(() => true));
  });
});

describe("float32 exp", () => {
  it("rounds subnormal results and overflows where the rounded true value does", () => {
    for (const x of [-87.5, -95, -100, -103.2, -103.9, 88.7, 88.72283, 88.72284]) expect(exp32(x)).toBe(Math.fround(Math.exp(x)));
  });
});

describe("float32 tanh", () => {
  it("keeps the sign of zero and saturates to ±1", () => {
    expect(Object.is(tanh32(-0), -0)).toBe(true);
    expect([tanh32(10), tanh32(-10), tanh32(Infinity), tanh32(-Infinity)]).toEqual([1, -1, 1, -1]);
  });
});

describe.each([
  ["exp", exp, exp32, Math.exp],
  ["tanh", tanh, tanh32, Math.tanh],
] as const)("eager %s", (_, op, scalar, float64) => {
  // Long enough for the fast backend's SIMD kernel (staged a block at a time: 3 blocks and a ragged end), and short ones for its loop.
  const xs = Float32Array.from({ length: 3 * 4096 + 1001 }, (_, i) => sweep[(i * 331) % sweep.length]!);
  const expected = xs.map(scalar);

  it("gives the float32 function's bits on float32 tensors, with either backend, staged or in WebAssembly memory", () => {
    expect(differences(xs, op(new Tensor(xs, [xs.length], "float32")).data, expected)).toEqual([]);
    expect(differences(xs, op(new Tensor(residentOf(xs)!, [xs.length], "float32")).data, expected)).toEqual([]);
    const short = xs.subarray(0, 13);
    expect(differences(short, op(new Tensor(short, [13], "float32")).data, expected.subarray(0, 13))).toEqual([]);
    const previous = setKernels("reference");
    try {
      expect(differences(xs, op(new Tensor(xs, [xs.length], "float32")).data, expected)).toEqual([]);
    } finally {
      setKernels(previous);
    }
  });

  it("keeps the float64 function on float64 tensors", () => {
    const x = tensor([0.5, -3, 20], { dtype: "float64" });
    expect(op(x).toArray()).toEqual([0.5, -3, 20].map(float64));
  });
});
