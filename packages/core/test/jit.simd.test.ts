import { describe, expect, it, vi } from "vitest";
import { apply, jit, primitives, sigmoid, tensor, unary, ValueError, type AnyOpRule, type ProgramSummary } from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import { residentCopy } from "../src/wasm.js";
import { compiledMatchesEager, expectSameValues } from "./support/jitEquality.js";
import { SIMD_FROM } from "../src/jit/simdLoop.js";

/**
 * jit's WebAssembly SIMD loops (jit/simdLoop.ts): a fused float32 chain whose ops all state a lane
 * formula runs as one SIMD loop over the program's resident buffers. Its results must be eager's bit for
 * bit, including −0, NaN, ±Inf and subnormals, for every op that has a formula, for each way a loop reads
 * an input (element by element, a splatted scalar, a repeated row), and on lengths that are not a
 * multiple of 4 (the last vector runs over the buffers' padding).
 */

/** A float32 tensor whose storage lives in the WebAssembly memory, as a jit program's own buffers do. */
const resident = (values: readonly number[], shape: readonly number[] = [values.length]): Tensor => new Tensor(residentCopy(Float32Array.from(values))!, shape, "float32");


const edges = [-0, 0, NaN, Infinity, -Infinity, 1, -1, 0.1, -2.5, 3e38, -3e38, 1e-45, -1.5e-40];

describe("jit's SIMD loops", () => {
  const withSimd = primitives.filter((r): r is AnyOpRule & { simd: NonNullable<AnyOpRule["simd"]> } => r.simd !== undefined);

  it("have formulas for the exact ops and for float32 exp and tanh, none for the other transcendental ones", () => {
    const names = withSimd.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["add", "mul", "neg", "reciprocal", "sqrt", "abs", "maximum", "relu", "reluGrad", "gt", "eq", "ne", "exp", "tanh"]));
    for (const transcendental of ["log", "sin", "pow", "erf"]) expect(names).not.toContain(transcendental);
  });

  it.each(withSimd.map((r) => [r.name, r] as const))("%s: its lane formula gives eager's float32 results on edge values", (_, rule) => {
    // Every pair of edge values (169 elements: not a multiple of 4), or every edge value and more (26) for a unary op.
    const unary = rule.arity === 1;
    const xs = unary ? [...edges, ...edges.map((v) => v * 0.5 - 1)] : edges.flatMap((x) => edges.map(() => x));
    const ys = edges.flatMap(() => edges);
    const args = unary ? [resident(xs)] : [resident(xs), resident(ys)];
    const summary = compiledMatchesEager((...a) => apply(rule, a, undefined), args);
    expect(summary.simdLoops).toBe(1);
  });

  it("runs a sigmoid and a tanh (an LSTM cell's gates) as SIMD loops, bit for bit with eager, forward and backward", () => {
    const values = Array.from({ length: 6 * 18 }, (_, i) => Math.sin(i * 1.7) * (i % 9) * 2 + (i % 5 === 0 ? edges[i % edges.length]! : 0));
    const [x, c] = [resident(values, [6, 18]), resident(values.map((v) => v / 3 - 0.5), [6, 18])];
    const summary = compiledMatchesEager((x, c) => sigmoid(x).mul(c!.tanh()), [x, c]);
    // 1/(1 + exp(−x)) is one loop, tanh another, the product fuses into one of them: all SIMD.
    expect(summary.fusedLoops).toBeGreaterThanOrEqual(2);
    expect(summary.simdLoops).toBe(summary.fusedLoops);
    // The gradient: exp and tanh reappear in the backward pass's loops, which run as SIMD too.
    const wx = new Tensor(residentCopy(Float32Array.from(values))!, [6, 18], "float32");
    wx.requiresGrad = true;
    let trained: ProgramSummary | undefined;
    const step = (c: Tensor): Tensor => {
      wx.grad = null;
      const loss = sigmoid(wx).mul(c.tanh()).sum();
      loss.backward();
      return loss;
    };
    const g = jit(step, { onTrace: ({ program }) => (trained = program) });
    g(c);
    const compiled = [g(c).item(), ...wx.grad!.data];
    const eager = [step(c).item(), ...wx.grad!.data];
    expect(compiled).toEqual(eager);
    expect(trained!.simdLoops).toBeGreaterThanOrEqual(2);
  });

  it("reads a splatted scalar, a repeated bias row and whole inputs in one loop, bit for bit", () => {
    const x = resident(Array.from({ length: 5 * 12 }, (_, i) => Math.sin(i) * 3), [5, 12]);
    const y = resident(Array.from({ length: 5 * 12 }, (_, i) => (i % 7) - 3), [5, 12]);
    const bias = resident(Array.from({ length: 12 }, (_, i) => (i - 6) / 4), [12]);
    const scale = tensor(0.7); // an ordinary array: a scalar is passed by value
    const summary = compiledMatchesEager((x, y, bias, scale) => x.mul(scale!).add(bias!).relu().mul(y!).neg().maximum(y!), [x, y, bias, scale]);
    expect(summary).toMatchObject({ fusedLoops: 1, fusedNodes: 6, simdLoops: 1 });
  });

  it("runs lengths that are not a multiple of 4, and rows [1, n] of a 3-d output", () => {
    const x = resident(edges.concat(edges).slice(0, 2 * 3 * 4), [2, 3, 4]);
    const row = resident([0.5, -0, NaN, 2, 1, -3, 0.25, 4, -1, 1e-45, 7, -Infinity], [1, 3, 4]);
    expect(compiledMatchesEager((x, r) => x.add(r!).relu(), [x, row]).simdLoops).toBe(1);
    const odd = resident([...edges, ...edges].slice(0, 23));
    expect(compiledMatchesEager((x) => x.mul(x).add(1).sqrt(), [odd]).simdLoops).toBe(1);
  });

  it.each([[13, 10], [9, 6], [20, 3], [17, 5], [16, 8], [5, 12]])("reads a row outside WebAssembly memory, or of a length not a multiple of 4, from a tile of whole vectors ([%i, %i])", (rows, cols) => {
    const values = (k: number): number[] => Array.from({ length: rows * cols }, (_, i) => edges[(i * k) % edges.length]! + i / 8);
    const x = resident(values(1), [rows, cols]);
    const bias = tensor(edges.slice(0, cols).map((v) => v / 2)); // ordinary memory: the tile is a copy
    const summary = compiledMatchesEager((x, b) => x.add(b!).relu().mul(b!), [x, bias]);
    expect(summary.simdLoops).toBe(1);
    // The tile is copied at each call: a new bias is seen.
    const f = jit((x: Tensor, b: Tensor) => x.add(b).neg());
    f(x, bias);
    const other = tensor(edges.slice(0, cols).map((v, i) => -v + i));
    expectSameValues(f(x, other), x.add(other).neg());
  });

  it("reads a constant row that a traced function closes over (an LSTM's gate scales, outside WebAssembly memory) from a tile copied at each call", () => {
    const scale = tensor(Array.from({ length: 8 }, (_, i) => (i % 4 === 2 ? 1 : 0.5)));
    const x = resident(Array.from({ length: 6 * 8 }, (_, i) => Math.cos(i) * 4), [6, 8]);
    const f = (x: Tensor): Tensor => x.mul(scale).tanh().mul(scale).add(0.5);
    expect(compiledMatchesEager(f, [x])).toMatchObject({ fusedLoops: 1, simdLoops: 1 });
    const g = jit(f);
    g(x);
    (scale.data as Float32Array)[3] = -2; // the state's values change between calls
    expectSameValues(g(x), f(x));
  });

  it("keeps the JavaScript loop for a tile as large as the output, for float64, and for a few elements", () => {
    const x = resident(Array.from({ length: 4 * 10 }, (_, i) => i - 20), [4, 10]);
    const bias = resident(Array.from({ length: 10 }, (_, i) => i / 3), [10]);
    expect(compiledMatchesEager((x, b) => x.add(b!).relu(), [x, bias])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    const wide = tensor([[1, -2, 3, -4]], { dtype: "float64" });
    expect(compiledMatchesEager((x) => x.add(x).relu(), [wide])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    const few = resident(edges.slice(0, SIMD_FROM - 1));
    expect(compiledMatchesEager((x) => x.add(x).relu(), [few])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
  });

  it("runs the JavaScript loop at a call whose argument is not in WebAssembly memory", () => {
    let summary: ProgramSummary | undefined;
    const f = (x: Tensor): Tensor => x.mul(2).add(1).relu();
    const g = jit(f, { onTrace: ({ program }) => (summary = program) });
    const values = (k: number): number[] => [...edges, ...edges].slice(0, 21).map((v) => v * k);
    g(resident(values(1)));
    expect(summary!.simdLoops).toBe(1);
    const ordinary = tensor(values(-1));
    expectSameValues(g(ordinary), f(ordinary));
    const inMemory = resident(values(3));
    expectSameValues(g(inMemory), f(inMemory));
  });

  it("names the op whose lane formula does not assemble", () => {
    // Two vectors left on the stack where the formula must leave one.
    const twiceOp = unary({ name: "twice", f: (v) => 2 * v, df: ({ x }) => x.mul(0).add(2), simd: (x) => [...x, ...x] });
    const f = jit((x: Tensor) => apply(twiceOp, [x], undefined));
    expect(() => f(resident(edges.concat(edges)))).toThrow(ValueError);
    expect(() => jit((x: Tensor) => apply(twiceOp, [x], undefined))(resident(edges.concat(edges)))).toThrow(/SIMD formula \(rule\.simd\) of twice does not make valid WebAssembly/);
  });

  it("runs a lone ReLU outside WebAssembly memory by its own branch-free kernel, not a loop of Math.max", () => {
    const relu = primitives.find((r) => r.name === "relu")!;
    const forward = vi.spyOn(relu, "forward");
    try {
      const f = jit((x: Tensor) => x.relu());
      const x = tensor([-1, 2, -0, NaN, 3]);
      f(x); // the trace: the eager kernel
      expectSameValues(f(x), x.relu());
      expect(forward).toHaveBeenCalledTimes(3); // the trace, the program's step, the eager check
    } finally {
      forward.mockRestore();
    }
  });

  it("fuses a bias add with its ReLU in a training step, since ReLU's gradient reads the output", () => {
    const w = new Tensor(residentCopy(Float32Array.from([0.5, -1, 2, 0.25, -0.75, 1.5, 1, -0.5]))!, [2, 4], "float32");
    const b = new Tensor(residentCopy(Float32Array.from([0.1, -0.2, 0.3, -0.4]))!, [4], "float32");
    w.requiresGrad = b.requiresGrad = true;
    let summary: ProgramSummary | undefined;
    const step = (x: Tensor): Tensor => {
      w.grad = b.grad = null;
      const loss = x.matmul(w).add(b).relu().square().sum();
      loss.backward();
      return loss;
    };
    const g = jit(step, { onTrace: ({ program }) => (summary = program) });
    const x = tensor([[1, 2], [-3, 0.5], [0.25, -1], [2, -2], [-0.5, 1.5]]); // [5, 4] after the product: 20 elements
    g(x);
    const compiled = [g(x).item(), ...w.grad!.data, ...b.grad!.data];
    const eager = [step(x).item(), ...w.grad!.data, ...b.grad!.data];
    expect(compiled).toEqual(eager);
    // add + relu is one loop (nothing else reads the sum), and it and the ReLU mask run as SIMD.
    expect(summary!.fusedNodes).toBeGreaterThan(summary!.fusedLoops);
    expect(summary!.simdLoops).toBeGreaterThanOrEqual(2);
  });
});
