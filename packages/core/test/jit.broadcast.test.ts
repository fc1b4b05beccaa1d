import { describe, expect, it } from "vitest";
import { conv2d, eq, jit, maxPool2d, tensor, type ProgramSummary } from "../src/index.js";
import { Tensor } from "../src/tensor.js";
import { residentCopy } from "../src/wasm.js";
import { compiledMatchesEager, expectSameValues } from "./support/jitEquality.js";

/**
 * jit's fused loops over broadcasts that are neither element by element, one value, nor a repeated row
 * (jit/fuse.ts's "strided" reads, jit/simdLoop.ts's nested loops): a block repeated along a middle axis
 * (max-pooling's mask, [.., 1, ..] against [.., 4, ..]) and a value per channel repeated over a run (a
 * convolution's bias [C, 1, 1] over [N, C, H, W]). The loops nest over at most three axes; SIMD takes
 * them where a run holds a whole vector, its last 1–3 elements lane by lane; results must be eager's bit
 * for bit.
 */

const edges = [-0, 0, NaN, Infinity, -Infinity, 1, -1, 0.1, -2.5, 3e38, -3e38, 1e-45, -1.5e-40];
const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
/** Values of `shape` (with edge values among them), made by `make` from a Float32Array. */
const valuesOf = (shape: readonly number[], k: number): Float32Array =>
  Float32Array.from({ length: sizeOf(shape) }, (_, i) => (i % 11 === 3 ? edges[(i * k) % edges.length]! : Math.round(Math.sin(i * k + 1) * 6) / 2));
/** A float32 tensor whose storage lives in the WebAssembly memory, as a jit program's own buffers do. */
const resident = (shape: readonly number[], k: number): Tensor => new Tensor(residentCopy(valuesOf(shape, k))!, shape, "float32");
/** The same values in ordinary memory. */
const ordinary = (shape: readonly number[], k: number, dtype: "float32" | "float64" = "float32"): Tensor => tensor(Array.from(valuesOf(shape, k)), { dtype }).reshape(shape);


describe("jit's loops over broadcasts", () => {
  // [output, the broadcast operand]: blocks repeated along a middle axis, runs of 30, 49 (odd), 11, 4 and 5 elements.
  const blocks = [
    [[2, 3, 4, 1, 11], [2, 3, 1, 1, 11]],
    [[3, 2, 4, 5, 6], [3, 2, 1, 5, 6]],
    [[2, 3, 4, 7, 7], [2, 3, 1, 7, 7]],
    [[5, 4, 2, 2], [5, 1, 2, 2]],
    [[6, 3, 5, 1], [6, 1, 5, 1]],
  ] as const;

  it.each(blocks)("reads a block repeated along a middle axis (%j against %j) in SIMD, either side of eq and mul", (outShape, blockShape) => {
    const [x, block] = [resident(outShape, 1), resident(blockShape, 2)];
    expect(compiledMatchesEager((x, b) => eq(x, b!), [x, block])).toMatchObject({ fusedLoops: 1, simdLoops: 1 });
    expect(compiledMatchesEager((x, b) => b!.mul(x).mul(b!), [x, block])).toMatchObject({ fusedLoops: 1, fusedNodes: 2, simdLoops: 1 });
    expect(compiledMatchesEager((x, b) => x.mul(b!).add(x).relu(), [x, block])).toMatchObject({ fusedLoops: 1, fusedNodes: 3, simdLoops: 1 });
  });

  // [output, a value per channel]: runs of 16, 9 (odd), 7, 4 and 5 elements, and ones ending in axes of length 1.
  const channels = [
    [[2, 3, 7], [3, 1]],
    [[3, 5, 4, 4], [5, 1, 1]],
    [[2, 6, 3, 3], [6, 1, 1]],
    [[4, 3, 2, 2], [3, 1, 1]],
    [[2, 3, 5, 1, 1], [1, 3, 1, 1, 1]],
    [[7, 5, 1], [7, 1, 1]],
  ] as const;

  it.each(channels)("reads a value per channel over a run (%j against %j) in SIMD, with a bias add and its ReLU as one loop", (outShape, biasShape) => {
    const [x, bias] = [resident(outShape, 3), resident(biasShape, 4)];
    expect(compiledMatchesEager((x, b) => x.add(b!).relu(), [x, bias])).toMatchObject({ fusedLoops: 1, fusedNodes: 2, simdLoops: 1 });
    // A scalar, a channel's value and a whole input in one loop.
    expect(compiledMatchesEager((x, b) => x.mul(0.5).add(b!).maximum(b!), [x, bias])).toMatchObject({ fusedLoops: 1, fusedNodes: 3, simdLoops: 1 });
  });

  it("runs two broadcast patterns in one loop where they collapse to three axes, separate loops where they do not, and an op needing four axes by its kernel", () => {
    const x = resident([2, 3, 4, 8], 5);
    const perChannel = resident([3, 1, 1], 6);
    const perImage = resident([2, 1, 1, 1], 7);
    // per channel and per image: [2, 3, 32] with strides (0, 1, 0) and (1, 0, 0): one loop.
    expect(compiledMatchesEager((x, c, n) => x.add(c!).mul(n!), [x, perChannel, perImage])).toMatchObject({ fusedLoops: 1, fusedNodes: 2, simdLoops: 1 });
    const perColumn = resident([2, 1, 1, 8], 8);
    // per channel, (0, 1, 0) over [2, 3, 32], and a block per image repeated over channels and rows, (8, 0, 1)
    // over [2, 12, 8]: each three axes alone, four together (N, C, H, W), so two loops.
    expect(compiledMatchesEager((x, c, w) => x.add(c!).mul(w!), [x, perChannel, perColumn])).toMatchObject({ fusedLoops: 2, fusedNodes: 2, simdLoops: 2 });
    // One op whose operands alone need four axes: its eager kernel.
    expect(compiledMatchesEager((a, b) => a.mul(b!), [resident([1, 3, 1, 8], 1), resident([2, 1, 4, 1], 2)])).toMatchObject({ fusedLoops: 0 });
  });

  it("keeps the JavaScript loop, nested the same way, for runs shorter than a vector, for float64 and for large operands outside WebAssembly memory", () => {
    // Runs of 3 elements: no whole vector.
    expect(compiledMatchesEager((x, b) => x.mul(b!).relu(), [resident([5, 4, 3], 1), resident([5, 1, 3], 2)])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    expect(compiledMatchesEager((x, b) => x.add(b!).relu(), [resident([2, 5, 3, 1], 1), resident([5, 1, 1], 2)])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    // float64, both patterns.
    expect(compiledMatchesEager((x, b) => eq(x, b!).mul(x), [ordinary([3, 2, 4, 5, 6], 1, "float64"), ordinary([3, 2, 1, 5, 6], 2, "float64")])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    expect(compiledMatchesEager((x, b) => x.add(b!).relu(), [ordinary([2, 6, 3, 3], 1, "float64"), ordinary([6, 1, 1], 2, "float64")])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
    // A block as large as half the output, made outside the memory: not copied, so the JavaScript loop.
    expect(compiledMatchesEager((x, b) => x.mul(b!).neg(), [resident([3, 2, 2, 5, 4], 1), ordinary([3, 2, 1, 5, 4], 2)])).toMatchObject({ fusedLoops: 1, simdLoops: 0 });
  });

  it("copies a small operand made outside WebAssembly memory into a tile at each call (a bias made by tensor)", () => {
    const x = resident([3, 4, 5, 4], 1);
    const bias = ordinary([4, 1, 1], 2);
    const f = (x: Tensor, b: Tensor): Tensor => x.add(b).relu();
    expect(compiledMatchesEager(f, [x, bias])).toMatchObject({ fusedLoops: 1, simdLoops: 1 });
    const g = jit(f);
    g(x, bias);
    const other = ordinary([4, 1, 1], 5);
    expectSameValues(g(x, other), f(x, other));
  });

  it("runs the JavaScript loop, nested, at a call whose argument is not in WebAssembly memory", () => {
    let summary: ProgramSummary | undefined;
    const f = (x: Tensor, b: Tensor): Tensor => eq(x, b).mul(x).add(b);
    const g = jit(f, { onTrace: ({ program }) => (summary = program) });
    g(resident([2, 3, 4, 9], 1), resident([2, 3, 1, 9], 2));
    expect(summary).toMatchObject({ fusedLoops: 1, fusedNodes: 3, simdLoops: 1 });
    const [x, block] = [ordinary([2, 3, 4, 9], 3), ordinary([2, 3, 1, 9], 4)];
    expectSameValues(g(x, block), f(x, block));
    const [rx, rb] = [resident([2, 3, 4, 9], 5), resident([2, 3, 1, 9], 6)];
    expectSameValues(g(rx, rb), f(rx, rb));
  });

  it("runs a convolution with bias, ReLU and max-pooling, forward and backward, bit for bit with eager, with the bias adds and the pooling masks in SIMD", () => {
    const weight = resident([4, 2, 3, 3], 1);
    const bias = resident([4], 2);
    weight.requiresGrad = bias.requiresGrad = true;
    const step = (x: Tensor): Tensor => {
      weight.grad = bias.grad = null;
      const loss = maxPool2d(conv2d(x, weight, bias, { padding: 1 }).relu(), { kernelSize: 2 }).square().mean();
      loss.backward();
      return loss;
    };
    let summary: ProgramSummary | undefined;
    const g = jit(step, { onTrace: ({ program }) => (summary = program) });
    const x = resident([3, 2, 8, 8], 3);
    g(x);
    const compiled = [g(x).item(), ...weight.grad!.data, ...bias.grad!.data];
    const eager = [step(x).item(), ...weight.grad!.data, ...bias.grad!.data];
    expect(compiled).toEqual(eager);
    // The bias add + ReLU ([3, 4, 8, 8] + [4, 1, 1]), the mask (eq of [3, 4, 4, 4, 4] against [3, 4, 1, 4, 4])
    // and the two products with it (one loop) run as SIMD: without strided reads the bias add, the mask and
    // the products were eager kernels, and the program had 6 SIMD loops of 8; now 8 of 10 (the other two
    // are the loss's scalars).
    expect(summary!.simdLoops).toBeGreaterThanOrEqual(8);
  });
});
