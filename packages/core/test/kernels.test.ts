import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apply, primitives, Rng, setKernels, tensor, type AnyOpRule, type Storage, type Tensor } from "@tapegrad/core";
import { referenceKernels, type Kernels } from "../src/kernels/backend.js";
import { fastKernels } from "../src/kernels/fast.js";
import { useKernels } from "../src/kernels/active.js";
import { kernelFuncs, memoryImport, wasmRuntime } from "../src/kernels/wasm/runtime.js";
import { module } from "../src/kernels/wasm/assembler.js";
import { chunksRunByHelpers, handoff, readyThreads, setThreads } from "../src/kernels/threads.js";
import { accepts, drawOpCase } from "../../../test-support/opHarness.js";
import { runs } from "../../../test-support/fuzz.js";
import type { Window } from "../src/ops/windows.js";

/**
 * The fast kernels against the reference kernels: every primitive's forward under both backends, in both
 * dtypes, over the shapes its own test spec draws (scalars, size-1 dims, broadcast pairs); then matmul,
 * broadcasting and reductions over larger odd shapes that cross the SIMD width, the micro-kernel's tile
 * and the cache blocks.
 */

function withKernels<T>(k: Kernels, fn: () => T): T {
  const previous = useKernels(k);
  try {
    return fn();
  } finally {
    useKernels(previous);
  }
}

/** Largest |a - b| / (1 + |b|) over the elements (both must have the same length). */
function maxRelDiff(a: Storage, b: Storage): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) && Number.isNaN(a[i]!) === Number.isNaN(b[i]!) ? worst : Math.max(worst, Number.isNaN(d) ? Infinity : d);
  }
  return worst;
}

/** How many elements of two equally long arrays differ (bit patterns, so NaN equals NaN); quick on large arrays. */
function differingElements(a: Storage, b: Storage): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

/** A float64 input as float32 (int32 indices stay as they are). */
const cast32 = (t: Tensor): Tensor => (t.dtype === "int32" ? t : tensor(Float32Array.from(t.data), { shape: t.shape }));

const rules: readonly AnyOpRule[] = primitives;

describe.each(rules.map((r) => [r.name, r] as const))("fast %s", (_, rule) => {
  it.each(["float64", "float32"] as const)("matches the reference kernel (%s)", (dtype) => {
    // float64 must agree to the last bits (the property suite relies on the reference semantics); float32
    // differs only by the order and precision of accumulation (sums in double, matmul in blocks).
    const tol = dtype === "float64" ? 1e-13 : 2e-6;
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { all: inputs, params } = drawOpCase(rule, g, dtype === "float64" ? undefined : cast32);
        // Only inputs the op accepts reach a kernel (matmul's spec can draw batch dims that do not broadcast).
        fc.pre(accepts(() => rule.shape({ inputs, params })));
        const fast = withKernels(fastKernels, () => apply(rule, inputs, params));
        const ref = withKernels(referenceKernels, () => apply(rule, inputs, params));
        expect(fast.dtype).toBe(ref.dtype);
        expect(fast.shape).toEqual(ref.shape);
        expect(maxRelDiff(fast.data, ref.data)).toBeLessThanOrEqual(tol);
      }),
      runs(40),
    );
  });
});

/** The drawn values scaled and rounded to integers, as int32: exact in every kernel, so both must agree exactly. */
const toInt32 = (t: Tensor): Tensor => (t.dtype === "int32" ? t : tensor(Int32Array.from(t.data, (v) => Math.round(v * 5)), { shape: t.shape }));

describe.each(rules.filter((r) => r.takesInt32).map((r) => [r.name, r] as const))("fast %s", (_, rule) => {
  it("matches the reference kernel exactly on int32", () => {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const { all: inputs, params } = drawOpCase(rule, g, toInt32);
        fc.pre(accepts(() => rule.shape({ inputs, params })));
        const fast = withKernels(fastKernels, () => apply(rule, inputs, params));
        const ref = withKernels(referenceKernels, () => apply(rule, inputs, params));
        expect(ref.dtype).toBe(rule.name === "cast" ? "float64" : "int32"); // cast's spec casts to float64
        expect(fast.dtype).toBe(ref.dtype);
        expect(fast.shape).toEqual(ref.shape);
        expect(differingElements(fast.data, ref.data)).toBe(0);
      }),
      runs(40),
    );
  });
});

/** Random float32 values in [-1, 1) from a seeded generator. */
const randomF32 = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);

/**
 * Worst-case float32 error of a dot product of length k computed in any order: k·2⁻²³·Σ|a_p·b_p| (with a
 * little headroom); the fast result is compared with the exact (float64) product of the same values.
 * With `transposeA` / `transposeB`, the operands are stored transposed ([k, m] and [n, k]) and flagged.
 */
function checkMatmul(a: Float32Array, b: Float32Array, m: number, n: number, k: number, batch = 1, transposeA = false, transposeB = false): void {
  const [aShape, bShape] = [transposeA ? [batch, k, m] : [batch, m, k], transposeB ? [batch, n, k] : [batch, k, n]];
  const product = (x: Storage, y: Storage, kernels: Kernels, dtype: "float32" | "float64"): Storage =>
    kernels.matmul(x, aShape, y, bShape, [batch, m, n], dtype, transposeA, transposeB);
  const got = product(a, b, fastKernels, "float32");
  const exact = product(Float64Array.from(a), Float64Array.from(b), referenceKernels, "float64");
  const absProd = product(Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), referenceKernels, "float64");
  expect(got).toBeInstanceOf(Float32Array);
  for (let i = 0; i < got.length; i++) {
    const bound = (k + 1) * 2 ** -23 * absProd[i]! + 1e-30;
    if (!(Math.abs(got[i]! - exact[i]!) <= bound)) {
      const flags = `${transposeA ? "ᵀ" : ""}×${transposeB ? "ᵀ" : ""}`;
      throw new Error(`matmul ${batch}×[${m},${k}]${flags}[${k},${n}] element ${i}: ${got[i]} vs exact ${exact[i]} (bound ${bound})`);
    }
  }
}

describe("fast matmul (WebAssembly SIMD)", () => {
  it("runs on WebAssembly SIMD in this engine, with relaxed SIMD's fused multiply-add switched on", () => {
    expect(wasmRuntime()).not.toBeNull();
    expect(wasmRuntime()!.fma).toBe(process.env["TAPEGRAD_RELAXED_SIMD"] !== "0");
  });

  it("keeps the kernels' module under the 4 KiB a browser compiles synchronously on its main thread", () => {
    for (const fma of [false, true]) expect(module(kernelFuncs(fma), memoryImport(true)).length).toBeLessThan(4096);
  });

  it("agrees with the exact product over random odd shapes, size 1 and non-multiples of the tile, operands transposed or not", () => {
    const dims = [fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 3 })] as const;
    fc.assert(
      fc.property(...dims, fc.boolean(), fc.boolean(), fc.integer(), (m, n, k, batch, transposeA, transposeB, seed) => {
        const rng = new Rng(seed);
        checkMatmul(randomF32(rng, batch * m * k), randomF32(rng, batch * k * n), m, n, k, batch, transposeA, transposeB);
      }),
      runs(80),
    );
  });

  it("agrees across the cache-block edges (inner and row blocks of 256)", () => {
    const rng = new Rng(7);
    for (const [m, n, k] of [[257, 9, 513], [4, 8, 256], [5, 17, 257], [300, 33, 1]] as const) {
      checkMatmul(randomF32(rng, m * k), randomF32(rng, k * n), m, n, k);
    }
  });

  it("handles broadcast batch dims and empty dimensions like the reference", () => {
    const rng = new Rng(11);
    const a = randomF32(rng, 2 * 3 * 20 * 30);
    const b = randomF32(rng, 30 * 40);
    const shapes = [[2, 3, 20, 30], [1, 30, 40], [2, 3, 20, 40]] as const;
    const fast = fastKernels.matmul(a, shapes[0], b, shapes[1], shapes[2], "float32");
    const ref = referenceKernels.matmul(a, shapes[0], b, shapes[1], shapes[2], "float32");
    expect(maxRelDiff(fast, ref)).toBeLessThanOrEqual(1e-5);
    expect(fastKernels.matmul(new Float32Array(0), [4, 0], new Float32Array(0), [0, 5], [4, 5], "float32")).toEqual(new Float32Array(20));
  });

  it("splits large products across worker threads, bit-identical to one thread", async () => {
    const previous = setThreads(1);
    try {
      const rng = new Rng(13);
      // Uneven chunkings, a short last inner block, and the training step's shapes.
      const shapes = [[150, 203, 301], [64, 72, 520], [200, 24, 260], [128, 256, 784], [784, 256, 128], [128, 128, 256]] as const;
      const operands = shapes.map(([m, n, k]) => [randomF32(rng, m * k), randomF32(rng, k * n)] as const);
      const product = (i: number): Storage => {
        const [m, n, k] = shapes[i]!;
        return fastKernels.matmul(operands[i]![0], [m, k], operands[i]![1], [k, n], [m, n], "float32");
      };
      const oneThread = shapes.map((_, i) => product(i));
      shapes.forEach(([m, n, k], i) => checkMatmul(operands[i]![0], operands[i]![1], m, n, k));

      setThreads(2);
      product(0); // starts the pool; until a helper is up, products run on this thread
      for (let waited = 0; readyThreads() < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(readyThreads()).toBe(2);
      const before = chunksRunByHelpers();
      for (let rep = 0; rep < 20; rep++) {
        shapes.forEach((_, i) => {
          // Every product here is handed to the helper: this tests the split, not the hand-off's judgement,
          // which on a loaded machine may find the helper no help and keep products on this thread.
          handoff.reset();
          expect(differingElements(product(i), oneThread[i]!)).toBe(0);
        });
        await new Promise((r) => setTimeout(r, rep % 3)); // let the helper fall asleep now and then
      }
      expect(chunksRunByHelpers()).toBeGreaterThan(before);

      setThreads(1);
      expect(readyThreads()).toBe(1);
      const after = chunksRunByHelpers();
      expect(differingElements(product(3), oneThread[3]!)).toBe(0);
      expect(chunksRunByHelpers()).toBe(after);
    } finally {
      setThreads(previous);
    }
  });

  it("stops handing products to helpers that do not speed them up, and tries again later", () => {
    handoff.reset();
    try {
      for (let i = 0; i < 4; i++) handoff.record(1.9); // a quiet machine: the helper ran about half
      for (let i = 0; i < 20; i++) handoff.record(1.8);
      expect(handoff.alone()).toBe(false);
      for (let i = 0; i < 20 && !handoff.alone(); i++) handoff.record(0.98); // helpers descheduled: no gain
      let alone = 1;
      while (handoff.alone()) alone++;
      expect(alone).toBe(256); // products run alone before the next trial
      handoff.record(0.9); // the trial's first products are not judged while a helper wakes
      expect(handoff.alone()).toBe(false);
    } finally {
      handoff.reset();
    }
  });

  it("switches backend by name with setKernels and hands back the previous one", () => {
    const [a, b] = [tensor([[1, 2], [3, 4]]), tensor([[5], [6]])];
    expect(setKernels("reference")).toBe("fast");
    try {
      expect(a.matmul(b).toArray()).toEqual([[17], [39]]);
      expect(setKernels("reference")).toBe("reference");
    } finally {
      expect(setKernels("fast")).toBe("reference");
    }
    expect(a.matmul(b).toArray()).toEqual([[17], [39]]);
  });

  it("refuses a thread count that is not a positive integer", () => {
    expect(() => setThreads(0)).toThrow(/setThreads: expected a positive integer/);
    expect(() => setThreads(1.5)).toThrow(/setThreads/);
  });

  it("stops growing its WebAssembly memory once the largest shape has been seen", () => {
    const rng = new Rng(5);
    const [a, b] = [randomF32(rng, 200 * 300), randomF32(rng, 300 * 100)];
    const run = (): Storage => fastKernels.matmul(a, [200, 300], b, [300, 100], [200, 100], "float32");
    run();
    const bytes = wasmRuntime()!.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) run();
    expect(wasmRuntime()!.memory.buffer.byteLength).toBe(bytes);
  });
});

describe("fast elementwise, reductions and layout over larger shapes", () => {
  const shapeArb = fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 0, maxLength: 4 });

  it("broadcast binary ops, where and broadcastTo agree with the reference in both dtypes", () => {
    fc.assert(
      fc.property(shapeArb, fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), fc.integer(), (full, drop, seed) => {
        const rng = new Rng(seed);
        // Two sides of a broadcast pair: some dims set to 1, some leading dims dropped.
        const side = (flip: number): number[] => full.slice(drop[flip]! ? 1 : 0).map((d, i) => (drop[(i + flip) % 8]! ? 1 : d));
        const [sa, sb] = [side(0), side(1)];
        const outShape = full.map((_, i) => Math.max(sa[i - (full.length - sa.length)] ?? 1, sb[i - (full.length - sb.length)] ?? 1));
        for (const dtype of ["float32", "float64"] as const) {
          const make = (shape: number[]): Storage => {
            const v = Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => Math.round(4 * rng.uniform() - 2) / 2);
            return dtype === "float32" ? Float32Array.from(v) : Float64Array.from(v);
          };
          const [a, b] = [make(sa), make(sb)];
          for (const [op, f] of [["add", (x: number, y: number) => x + y], ["gt", (x: number, y: number) => (x > y ? 1 : 0)]] as const) {
            const fast = fastKernels.zip(op, a, sa, b, sb, outShape, dtype, f);
            expect(fast).toEqual(referenceKernels.zip(op, a, sa, b, sb, outShape, dtype, f));
          }
          expect(fastKernels.broadcast(a, sa, outShape, dtype)).toEqual(referenceKernels.broadcast(a, sa, outShape, dtype));
          const cond = fastKernels.zip("gt", a, sa, b, sb, outShape, dtype, (x, y) => (x > y ? 1 : 0));
          expect(fastKernels.select(cond, outShape, a, sa, b, sb, outShape, dtype)).toEqual(referenceKernels.select(cond, outShape, a, sa, b, sb, outShape, dtype));
        }
      }),
      runs(100),
    );
  });

  it("matrix transposes of the training step's sizes, and batches with a partial group of rows, agree with the reference", () => {
    const rng = new Rng(7);
    for (const shape of [[128, 784], [256, 128], [128, 10], [2, 131, 77], [3, 5, 1], [1, 6]]) {
      const n = shape.reduce((p, q) => p * q, 1);
      const perm = [...shape.keys()].map((i) => (i < shape.length - 2 ? i : i === shape.length - 2 ? shape.length - 1 : shape.length - 2));
      for (const dtype of ["float32", "float64"] as const) {
        const x = dtype === "float32" ? randomF32(rng, n) : Float64Array.from(randomF32(rng, n));
        expect(fastKernels.transpose(x, shape, perm, dtype)).toEqual(referenceKernels.transpose(x, shape, perm, dtype));
      }
    }
  });

  /**
   * Fast sum against the exact (float64) sum, within the worst-case float32 summation error n·2⁻²⁴·Σ|x|
   * (the reference itself rounds to float32 after every addition, so it is no tighter); max exactly.
   */
  function checkReduction(x: Storage, shape: number[], axes: number[], dtype: "float32" | "float64"): void {
    const plus = (p: number, v: number): number => p + v;
    const got = fastKernels.reduce("sum", x, shape, axes, dtype, 0, plus);
    const exact = referenceKernels.reduce("sum", Float64Array.from(x), shape, axes, "float64", 0, plus);
    const absSum = referenceKernels.reduce("sum", Float64Array.from(x, Math.abs), shape, axes, "float64", 0, plus);
    const reduced = axes.reduce((p, a) => p * shape[a]!, 1);
    const eps = dtype === "float32" ? 2 ** -24 : 2 ** -53;
    got.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThanOrEqual((reduced + 1) * eps * absSum[i]! + 1e-300));
    const max = (p: number, v: number): number => (v > p || Number.isNaN(v) ? v : p);
    expect(fastKernels.reduce("max", x, shape, axes, dtype, -Infinity, max)).toEqual(referenceKernels.reduce("max", x, shape, axes, dtype, -Infinity, max));
  }

  it("sums and maxima over axes that are not neighbours (a bias gradient's N, H, W) agree with the reference", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.integer(), (shape, pick, seed) => {
        const rng = new Rng(seed);
        const axes = shape.map((_, i) => i).filter((i) => pick[i]);
        fc.pre(axes.some((a, i) => i > 0 && a !== axes[i - 1]! + 1)); // neighbouring runs take the other path (next test)
        const n = shape.reduce((p, q) => p * q, 1);
        for (const dtype of ["float32", "float64"] as const) checkReduction(dtype === "float32" ? randomF32(rng, n) : Float64Array.from(randomF32(rng, n)), shape, axes, dtype);
      }),
      runs(100),
    );
  });

  it("relu keeps NaN and turns −0 into +0 in both dtypes and int32, as the reference's Math.max", () => {
    const values = [NaN, -0, 0, -1.5, 2.25, -Infinity, Infinity, 1e-40, -1e-40];
    for (const storage of [Float32Array.from(values), Float64Array.from(values), Int32Array.of(-3, 0, 5, -2147483648, 2147483647)]) {
      const dtype = storage instanceof Float64Array ? "float64" : storage instanceof Int32Array ? "int32" : "float32";
      const relu = (v: number): number => Math.max(v, 0);
      const [fast, ref] = [fastKernels.map("relu", storage, dtype, relu), referenceKernels.map("relu", storage, dtype, relu)];
      expect(Array.from(fast).every((v, i) => Object.is(v, ref[i]))).toBe(true);
    }
  });

  it("sums and maxima over runs of axes, and matrix transposes, agree with the reference", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (shape, first, count, seed) => {
        const rng = new Rng(seed);
        const axes = Array.from({ length: count }, (_, i) => first + i).filter((a) => a < shape.length);
        const n = shape.reduce((p, q) => p * q, 1);
        for (const dtype of ["float32", "float64"] as const) {
          const x = dtype === "float32" ? randomF32(rng, n) : Float64Array.from(randomF32(rng, n));
          checkReduction(x, shape, axes, dtype);
          if (shape.length >= 2) {
            const perm = [...shape.keys()].map((i) => (i < shape.length - 2 ? i : i === shape.length - 2 ? shape.length - 1 : shape.length - 2));
            expect(fastKernels.transpose(x, shape, perm, dtype)).toEqual(referenceKernels.transpose(x, shape, perm, dtype));
          }
        }
      }),
      runs(100),
    );
  });
});

describe("fast slice, pad and concat (row copies)", () => {
  /** A shape of rank 1 to 4, a box inside it (corner and extent), and values with −0 and NaN among them. */
  const boxes = fc
    .array(fc.tuple(fc.integer({ min: 1, max: 7 }), fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 })
    .map((dims) => {
      const shape = dims.map(([d]) => d);
      const begin = dims.map(([d, b]) => b % d);
      const size = dims.map(([d, , e], i) => 1 + (e % (d - begin[i]!)));
      return { shape, begin, size };
    });
  const valuesOf = (n: number, dtype: "float32" | "float64" | "int32", seed: number): Storage => {
    const rng = new Rng(seed);
    const pick = (): number => [NaN, -0, 0, 1.5][rng.int(4)]!;
    const draw = Array.from({ length: n }, () => (rng.uniform() < 0.3 ? pick() : rng.normal() * 100));
    return dtype === "float32" ? Float32Array.from(draw) : dtype === "float64" ? Float64Array.from(draw) : Int32Array.from(draw);
  };
  const same = (a: Storage, b: Storage): boolean => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

  it("copy the same bits as the reference kernels (−0 and NaN included), any box, in every dtype", () => {
    fc.assert(
      fc.property(boxes, fc.integer({ min: 0, max: 2 }), fc.integer(), ({ shape, begin, size }, axisPick, seed) => {
        for (const dtype of ["float32", "float64", "int32"] as const) {
          const x = valuesOf(shape.reduce((a, b) => a * b, 1), dtype, seed);
          expect(same(fastKernels.slice(x, shape, begin, size, dtype), referenceKernels.slice(x, shape, begin, size, dtype))).toBe(true);
          const piece = valuesOf(size.reduce((a, b) => a * b, 1), dtype, seed + 1);
          expect(same(fastKernels.pad(piece, size, begin, shape, dtype), referenceKernels.pad(piece, size, begin, shape, dtype))).toBe(true);
          const axis = axisPick % shape.length;
          const other = shape.map((d, i) => (i === axis ? size[i]! : d));
          const joined = shape.map((d, i) => (i === axis ? d + size[i]! : d));
          const y = valuesOf(other.reduce((a, b) => a * b, 1), dtype, seed + 2);
          expect(same(fastKernels.concat([x, y], [shape, other], axis, joined, dtype), referenceKernels.concat([x, y], [shape, other], axis, joined, dtype))).toBe(true);
        }
      }),
      runs(100),
    );
  });
});

describe("fast conv2d (im2col and the WebAssembly SIMD matmul)", () => {
  type Config = { x: number[]; w: number[]; stride: [number, number]; pad: [[number, number], [number, number]]; dil: [number, number]; groups: number };
  // Large enough that the product takes the WebAssembly path (see matmulFast), with odd sizes, groups,
  // depthwise, strides, dilations and uneven ("same"-style) padding.
  const configs: Config[] = [
    { x: [2, 3, 17, 19], w: [8, 3, 3, 3], stride: [1, 1], pad: [[1, 1], [1, 1]], dil: [1, 1], groups: 1 },
    { x: [1, 4, 15, 13], w: [6, 2, 5, 3], stride: [2, 1], pad: [[0, 0], [2, 1]], dil: [1, 2], groups: 2 },
    { x: [3, 8, 12, 12], w: [8, 1, 3, 3], stride: [1, 2], pad: [[1, 2], [0, 1]], dil: [2, 1], groups: 8 },
    { x: [2, 16, 9, 11], w: [32, 16, 1, 1], stride: [1, 1], pad: [[0, 0], [0, 0]], dil: [1, 1], groups: 1 },
  ];
  it.each(configs.map((c) => [`x [${c.x}] ⋆ w [${c.w}], groups ${c.groups}`, c] as const))("%s matches the direct loops (float32 within the dot-product bound, float64 exactly)", (_, c) => {
    const rng = new Rng(7);
    const [x, w] = [randomF32(rng, c.x.reduce((a, b) => a * b, 1)), randomF32(rng, c.w.reduce((a, b) => a * b, 1))];
    const win = { kernel: [c.w[2]!, c.w[3]!] as const, stride: c.stride, padding: c.pad, dilation: c.dil };
    const size = (d: 0 | 1): number => Math.floor((c.x[2 + d]! + c.pad[d][0] + c.pad[d][1] - c.dil[d] * (c.w[2 + d]! - 1) - 1) / c.stride[d]) + 1;
    const outShape = [c.x[0]!, c.w[0]!, size(0), size(1)];
    const got = fastKernels.conv2d(x, c.x, w, c.w, outShape, win, c.groups, "float32");
    const exact = referenceKernels.conv2d(Float64Array.from(x), c.x, Float64Array.from(w), c.w, outShape, win, c.groups, "float64");
    const absolute = referenceKernels.conv2d(Float64Array.from(x, Math.abs), c.x, Float64Array.from(w, Math.abs), c.w, outShape, win, c.groups, "float64");
    expect(got).toBeInstanceOf(Float32Array);
    const taps = c.w[1]! * c.w[2]! * c.w[3]!;
    for (let i = 0; i < got.length; i++) {
      // The float32 error bound of a dot product of `taps` terms computed in any order (as for matmul).
      expect(Math.abs(got[i]! - exact[i]!), `element ${i}`).toBeLessThanOrEqual((taps + 1) * 2 ** -23 * absolute[i]! + 1e-30);
    }
    expect(fastKernels.conv2d(Float64Array.from(x), c.x, Float64Array.from(w), c.w, outShape, win, c.groups, "float64")).toEqual(exact);
  });
});

describe("im2col and col2im kernels", () => {
  const geometry = fc.record({
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })), fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    size: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
    planes: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer(),
  });

  /** Checks every element of im2col against the window formula, padding read as `padValue`; returns the columns. */
  function checkTaps(win: Window, size: readonly number[], planes: number, rng: Rng, padValue: number): { x: Float64Array; cols: Storage; outSize: number[] } | null {
    const { kernel, stride, padding, dilation } = win;
    const outSize = [0, 1].map((d) => Math.floor((size[d]! + padding[d]![0] + padding[d]![1] - dilation[d]! * (kernel[d]! - 1) - 1) / stride[d]!) + 1);
    if (!outSize.every((n) => n >= 1)) return null;
    const [H, W, Ho, Wo] = [size[0]!, size[1]!, outSize[0]!, outSize[1]!];
    const x = Float64Array.from({ length: planes * H * W }, () => Math.round(8 * rng.uniform()) - 4);
    const cols = referenceKernels.unfold(x, [planes, H, W], win, [planes, kernel[0] * kernel[1], Ho, Wo], padValue, "float64");
    let k = 0;
    for (let p = 0; p < planes; p++) {
      for (let i = 0; i < kernel[0]; i++) {
        for (let j = 0; j < kernel[1]; j++) {
          for (let oh = 0; oh < Ho; oh++) {
            for (let ow = 0; ow < Wo; ow++) {
              const [h, w] = [oh * stride[0] - padding[0][0] + i * dilation[0], ow * stride[1] - padding[1][0] + j * dilation[1]];
              expect(cols[k++]).toBe(h >= 0 && h < H && w >= 0 && w < W ? x[(p * H + h) * W + w] : padValue);
            }
          }
        }
      }
    }
    return { x, cols, outSize };
  }

  it("im2col reads each tap from where the window formula says (padding included), and col2im is its exact adjoint", () => {
    fc.assert(
      fc.property(geometry, ({ kernel, stride, padding, dilation, size, planes, seed }) => {
        const win = { kernel, stride, padding, dilation };
        const rng = new Rng(seed);
        const taps = checkTaps(win, size, planes, rng, -7);
        fc.pre(taps !== null);
        const { x, cols, outSize } = taps!;
        const [H, W, Ho, Wo] = [size[0], size[1], outSize[0]!, outSize[1]!];
        // ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩ (exact: small integers), with zero padding.
        const c = Float64Array.from({ length: cols.length }, () => Math.round(8 * rng.uniform()) - 4);
        const zeroPadded = referenceKernels.unfold(x, [planes, H, W], win, [planes, kernel[0] * kernel[1], Ho, Wo], 0, "float64");
        const back = referenceKernels.fold(c, [planes, kernel[0] * kernel[1], Ho, Wo], win, [planes, H, W], "float64");
        const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);
        expect(dot(zeroPadded, c)).toBe(dot(x, back));
      }),
      runs(300),
    );
  });

  it("im2col with stride 1 and output rows as wide as the input's (its shifted-copy path) reads the formula's taps, any padding value", () => {
    fc.assert(
      fc.property(geometry, fc.integer({ min: 0, max: 12 }), ({ kernel, padding, dilation, size, planes, seed }, split) => {
        // Left and right padding that add up to the window's extent − 1, so that Wo = W.
        const extent = dilation[1] * (kernel[1] - 1);
        const left = split % (extent + 1);
        const win = { kernel, stride: [1, 1] as [number, number], padding: [padding[0], [left, extent - left]] as [[number, number], [number, number]], dilation };
        for (const padValue of [0, -7]) checkTaps(win, size, planes, new Rng(seed), padValue);
      }),
      runs(300),
    );
  });
});
