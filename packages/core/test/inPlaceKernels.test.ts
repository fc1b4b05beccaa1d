import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng, type Storage } from "@tapegrad/core";
import { planned } from "../src/dtype.js";
import { referenceKernels } from "../src/kernels/backend.js";
import { fastKernels } from "../src/kernels/fast.js";
import { accumulates, matmulWasm, placement, type MatmulOperands } from "../src/kernels/matmulWasm.js";
import { readyThreads, setThreads, threads } from "../src/kernels/threads.js";
import { padFast, sliceFast } from "../src/kernels/layoutFast.js";
import { residentAddress, residentView } from "../src/kernels/wasm/resident.js";
import { residentZeros } from "../src/kernels/wasm/residentArrays.js";
import { wasmRuntime } from "../src/kernels/wasm/runtime.js";
import { runs } from "../../../test-support/fuzz.js";

/**
 * The kernels that work in place on resident arrays (a jit program's buffers and parameters): the matrix
 * product reading A and B where they live (transposed or not) and writing C there, and the sum over
 * leading axes. Each must give the same bits as its copying path, and touch nothing outside its output.
 */

/** Random float32 values in [-1, 1) from a seeded generator. */
const randomF32 = (rng: Rng, n: number): Float32Array => Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);

/** How many elements differ (bit patterns, so NaN equals NaN and −0 differs from +0). */
function differingElements(a: Storage, b: Storage): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

const GUARD = 8; // floats of sentinel after each array
const SENTINEL = -12345.5;

/**
 * Resident arrays of the given lengths cut from one resident array, each followed (after its 16-byte
 * padding, which is its own) by GUARD floats of a sentinel that no kernel may write.
 */
function residentWithGuards(lengths: readonly number[]): { arrays: Float32Array[]; guardsIntact: () => boolean } {
  const padded = lengths.map((n) => Math.ceil(n / 4) * 4);
  const total = padded.reduce((s, n) => s + n + GUARD, GUARD);
  const root = residentZeros(total)!;
  const guards: [number, number][] = [[0, GUARD]];
  let at = GUARD;
  const arrays = lengths.map((n, i) => {
    const view = residentView(root, at * 4, n);
    at += padded[i]!;
    guards.push([at, at + GUARD]);
    at += GUARD;
    return view;
  });
  for (const [s, e] of guards) root.fill(SENTINEL, s, e);
  return { arrays, guardsIntact: () => guards.every(([s, e]) => root.subarray(s, e).every((v) => v === SENTINEL)) };
}

/** One product m × k · k × n with the operands stored as flagged, computed once in ordinary arrays and once with the chosen arrays resident. */
function compareProduct(rng: Rng, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, resident: { a: boolean; b: boolean; c: boolean }): void {
  const rt = wasmRuntime()!;
  const [a, b] = [randomF32(rng, m * k), randomF32(rng, k * n)];
  const copied = new Float32Array(m * n);
  matmulWasm(rt, { a, b, transposeA, transposeB }, 0, 0, m, n, k, copied, 0);

  const { arrays: [ra, rb, rc], guardsIntact } = residentWithGuards([m * k, k * n, m * n]);
  ra!.set(a);
  rb!.set(b);
  rc!.fill(7); // the kernel must overwrite stale values (a jit buffer holds the last call's)
  const operands: MatmulOperands = { a: resident.a ? ra! : a, b: resident.b ? rb! : b, transposeA, transposeB };
  const out = resident.c ? rc! : new Float32Array(m * n).fill(7);
  const where = placement(operands, out, m, n);
  expect(where.a !== undefined).toBe(resident.a && (m % 4 === 0 || transposeA));
  expect(where.b !== undefined).toBe(resident.b);
  expect(where.c !== undefined).toBe(resident.c && m % 4 === 0 && n % 8 === 0);
  matmulWasm(rt, operands, 0, 0, m, n, k, out, 0);
  expect(differingElements(out, copied)).toBe(0);
  expect(guardsIntact()).toBe(true);
  expect(Array.from(ra!)).toEqual(Array.from(a)); // operands are read, never written
  expect(Array.from(rb!)).toEqual(Array.from(b));
}

/**
 * One product added into C (`accumulate`) against the product computed alone and then added element by
 * element in float32, as an add kernel does: C starts random, with −0 and +0 among its values.
 */
function compareAccumulated(rng: Rng, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, residentC: boolean): void {
  const rt = wasmRuntime()!;
  const [a, b] = [randomF32(rng, m * k), randomF32(rng, k * n)];
  const start = randomF32(rng, m * n).map((v, i) => (i % 7 === 0 ? -0 : i % 7 === 1 ? 0 : v));
  const product = new Float32Array(m * n);
  matmulWasm(rt, { a, b, transposeA, transposeB }, 0, 0, m, n, k, product, 0);
  const expected = start.map((v, i) => v + product[i]!);
  const { arrays: [rc], guardsIntact } = residentWithGuards([m * n]);
  const out = residentC ? rc! : new Float32Array(m * n);
  out.set(start);
  matmulWasm(rt, { a, b, transposeA, transposeB }, 0, 0, m, n, k, out, 0, true);
  expect(differingElements(out, expected)).toBe(0);
  expect(guardsIntact()).toBe(true);
}

describe("matrix product on resident operands, in place", () => {
  it("gives the copying path's bits for any shape, transposes and choice of resident arrays, writing nothing outside C", () => {
    const dim = (max: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: 1, max }), fc.integer({ min: 1, max: max / 8 }).map((d) => 8 * d));
    fc.assert(
      fc.property(dim(72), dim(72), fc.integer({ min: 1, max: 300 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(), (m, n, k, ta, tb, ra, rb, rc, seed) => {
        compareProduct(new Rng(seed), m, n, k, ta, tb, { a: ra, b: rb, c: rc });
      }),
      runs(120),
    );
  });

  it("agrees across the cache blocks and on the training step's shapes, transposed either way", () => {
    const rng = new Rng(3);
    const all = { a: true, b: true, c: true };
    for (const [m, n, k] of [[260, 16, 520], [4, 8, 256], [8, 24, 257], [12, 10, 300]] as const) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) compareProduct(rng, m, n, k, ta, tb, all);
    }
  });

  it("splits resident products across worker threads with the one-thread bits", async () => {
    const previous = setThreads(Math.max(2, threads()));
    try {
      const rng = new Rng(17);
      compareProduct(rng, 128, 256, 784, false, false, { a: true, b: true, c: true }); // starts the pool
      for (let waited = 0; readyThreads() < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      expect(readyThreads()).toBeGreaterThanOrEqual(2);
      // The training step's products (x·W, xᵀ·g, g·Wᵀ) and a ragged one, threaded, against the copying path.
      const shapes = [[128, 256, 784, false, false], [784, 256, 128, true, false], [128, 784, 256, false, true], [150, 203, 301, true, true]] as const;
      for (const [m, n, k, ta, tb] of shapes) compareProduct(rng, m, n, k, ta, tb, { a: true, b: true, c: true });
    } finally {
      setThreads(previous);
    }
  });

  it("adds a product into C with the bits of the product stored and then added, for k within one block", () => {
    const dim = (max: number): fc.Arbitrary<number> => fc.oneof(fc.integer({ min: 1, max }), fc.integer({ min: 1, max: max / 8 }).map((d) => 8 * d));
    fc.assert(
      fc.property(dim(72), dim(72), fc.integer({ min: 1, max: 256 }), fc.boolean(), fc.boolean(), fc.boolean(), fc.integer(), (m, n, k, ta, tb, rc, seed) => {
        compareAccumulated(new Rng(seed), m, n, k, ta, tb, rc);
      }),
      runs(60),
    );
    expect([accumulates(256), accumulates(257), accumulates(0)]).toEqual([true, false, false]);
    expect(() => matmulWasm(wasmRuntime()!, { a: new Float32Array(257), b: new Float32Array(257), transposeA: false, transposeB: false }, 0, 0, 1, 1, 257, new Float32Array(1), 0, true)).toThrow(/k <= 256/);
  });

  it("adds threaded products into C with the one-thread bits (an LSTM's weight gradients, 64 steps deep)", async () => {
    const previous = setThreads(Math.max(2, threads()));
    try {
      const rng = new Rng(19);
      compareProduct(rng, 128, 256, 784, false, false, { a: true, b: true, c: true }); // starts the pool
      for (let waited = 0; readyThreads() < 2 && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      for (const [m, n, k] of [[512, 128, 64], [512, 32, 64]] as const) compareAccumulated(rng, m, n, k, true, false, true);
    } finally {
      setThreads(previous);
    }
  });

  it("gives +0, as a zeroed C did, where every term underflows to −0 (the first block adds its sums to zeros)", () => {
    const rt = wasmRuntime()!;
    const k = 3;
    const a = new Float32Array(4 * k).fill(-1e-30);
    const b = new Float32Array(k * 8).fill(1e-30); // each product −1e-60 rounds to −0 in float32
    const { arrays: [ra, rb, rc] } = residentWithGuards([a.length, b.length, 32]);
    ra!.set(a);
    rb!.set(b);
    for (const [operands, out] of [[{ a, b }, new Float32Array(32)], [{ a: ra!, b: rb! }, rc!]] as const) {
      matmulWasm(rt, { ...operands, transposeA: false, transposeB: false }, 0, 0, 4, 8, k, out, 0);
      expect(Array.from(out).every((v) => Object.is(v, 0))).toBe(true);
    }
  });

  it("writes batched products into a planned resident output, each matrix at its offset", () => {
    const rng = new Rng(5);
    const [a, b] = [randomF32(rng, 3 * 12 * 40), randomF32(rng, 40 * 16)];
    const shapes = [[3, 12, 40], [40, 16], [3, 12, 16]] as const;
    const ordinary = fastKernels.matmul(a, shapes[0], b, shapes[1], shapes[2], "float32");
    const { arrays: [out], guardsIntact } = residentWithGuards([3 * 12 * 16]);
    out!.fill(7); // the last call's values, which every element of the product overwrites
    planned.next = out!;
    try {
      expect(fastKernels.matmul(a, shapes[0], b, shapes[1], shapes[2], "float32")).toBe(out);
    } finally {
      planned.next = null;
    }
    expect(residentAddress(out!)).toBeDefined();
    expect(differingElements(out!, ordinary)).toBe(0);
    expect(guardsIntact()).toBe(true);
  });
});

describe("sum over leading axes on WebAssembly SIMD", () => {
  const plus = (p: number, v: number): number => p + v;

  // With one column (inner = 1) the sum is a running total in double precision instead (reduceFast.ts).
  it("gives the reference's bits (the same float32 additions in the same order), resident or not", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 2, max: 70 }), fc.boolean(), fc.boolean(), fc.integer(), (outer, reduced, inner, residentX, residentOut, seed) => {
        const rng = new Rng(seed);
        const x = randomF32(rng, outer * reduced * inner);
        x[0] = -0; // the reference's 0 + (−0) is +0
        const shape = [outer, reduced, inner];
        const ref = referenceKernels.reduce("sum", x, shape, [1], "float32", 0, plus);
        const { arrays: [rx, rout], guardsIntact } = residentWithGuards([x.length, outer * inner]);
        rx!.set(x);
        rout!.fill(9);
        planned.next = residentOut ? rout! : null;
        let got: Storage;
        try {
          got = fastKernels.reduce("sum", residentX ? rx! : x, shape, [1], "float32", 0, plus);
        } finally {
          planned.next = null;
        }
        if (residentOut) expect(got).toBe(rout);
        expect(differingElements(got, ref)).toBe(0);
        expect(guardsIntact()).toBe(true);
        // Leading axes ([B, T, N] → [N]) take the same path with outer = 1.
        const leading = fastKernels.reduce("sum", x, shape, [0, 1], "float32", 0, plus);
        expect(differingElements(leading, referenceKernels.reduce("sum", x, shape, [0, 1], "float32", 0, plus))).toBe(0);
      }),
      runs(100),
    );
  });

  it("sums a bias gradient's [128, 256] over the batch in place", () => {
    const rng = new Rng(9);
    const { arrays: [g, out], guardsIntact } = residentWithGuards([128 * 256, 256]);
    g!.set(randomF32(rng, 128 * 256));
    planned.next = out!;
    try {
      expect(fastKernels.reduce("sum", g!, [128, 256], [0], "float32", 0, plus)).toBe(out);
    } finally {
      planned.next = null;
    }
    expect(differingElements(out!, referenceKernels.reduce("sum", g!, [128, 256], [0], "float32", 0, plus))).toBe(0);
    expect(guardsIntact()).toBe(true);
  });
});

describe("slices and pads of resident arrays, copied by the WebAssembly kernel", () => {
  it("copy the bits (−0 and NaN included) that the row-by-row copy gives, touching nothing outside the output", () => {
    const rng = new Rng(23);
    const x = randomF32(rng, 6 * 10).map((v, i) => (i % 9 === 0 ? -0 : i % 11 === 0 ? NaN : v));
    const cases = [
      { run: (from: Storage) => sliceFast(from, [6, 10], [1, 3], [5, 6], "float32"), size: 5 * 6 },
      { run: (from: Storage) => sliceFast(from, [6, 10], [2, 0], [3, 10], "float32"), size: 3 * 10 }, // whole rows: one run
      { run: (from: Storage) => padFast(from, [6, 10], [1, 2], [8, 13], "float32"), size: 8 * 13 },
    ];
    for (const { run, size } of cases) {
      const ordinary = run(x);
      const { arrays: [rx, out], guardsIntact } = residentWithGuards([x.length, size]);
      rx!.set(x);
      out!.fill(7); // the last call's values: a slice overwrites all of them (a pad is zeroed first)
      planned.next = out!;
      try {
        expect(run(rx!)).toBe(out);
      } finally {
        planned.next = null;
      }
      expect(differingElements(out!, ordinary)).toBe(0);
      expect(guardsIntact()).toBe(true);
    }
  });
});
