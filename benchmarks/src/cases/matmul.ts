/**
 * matmul-*: one float32 matrix product per step, result read back into JavaScript, at the sizes of the
 * issue (square 64 to 1024) and at the training step's shapes, including the transposed operands that
 * backward needs (Xᵀ·G for a weight gradient, G·Wᵀ for an input gradient). tapegrad runs with its default
 * thread count and with one thread; tfjs (wasm) and jax-js (wasm) run on one thread, which is all they
 * start in Node. The step's result is Σ c² over the product (the check compares it across frameworks).
 */
import { matmul, maxThreads, Rng, setThreads, tensor, threads, type Tensor } from "@tapegrad/core";
import { numpy as np } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend } from "../frameworks/tfjs.js";
import { initJax, jaxVersion } from "../frameworks/jax.js";

/** Which operand is stored transposed: `tn` computes Aᵀ·B from A [k, m]; `nt` computes A·Bᵀ from B [n, k]. */
type Layout = "nn" | "tn" | "nt";

interface MatmulShape {
  name: string;
  m: number;
  n: number;
  k: number;
  layout: Layout;
}

const SEED = 1128;

/** Operands as stored: A is [m, k] (or [k, m] for tn), B is [k, n] (or [n, k] for nt). */
function operands(s: MatmulShape): { a: Float32Array; aShape: [number, number]; b: Float32Array; bShape: [number, number] } {
  const rng = new Rng(SEED);
  const a = Float32Array.from({ length: s.m * s.k }, () => 2 * rng.uniform() - 1);
  const b = Float32Array.from({ length: s.k * s.n }, () => 2 * rng.uniform() - 1);
  return { a, aShape: s.layout === "tn" ? [s.k, s.m] : [s.m, s.k], b, bShape: s.layout === "nt" ? [s.n, s.k] : [s.k, s.n] };
}

function sumOfSquares(c: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < c.length; i++) total += c[i]! * c[i]!;
  return total;
}

function tapegrad(s: MatmulShape, threadCount: "default" | 1): FrameworkSetup {
  return {
    framework: threadCount === 1 ? "tapegrad (1 thread)" : "tapegrad",
    note:
      threadCount === 1
        ? "`setThreads(1)`: the WebAssembly SIMD kernel on the calling thread"
        : "default settings (one thread per core): the WebAssembly SIMD kernel, split across the threads above about a million multiply-adds; " +
          "a transposed operand is read through `matmul`'s transposeA/transposeB flags",
    async setup(): Promise<Runner> {
      const defaultThreads = threads();
      const use = (): void => void setThreads(threadCount === 1 ? 1 : maxThreads());
      const { a, aShape, b, bShape } = operands(s);
      const [x, y]: Tensor[] = [tensor(a, { shape: aShape }), tensor(b, { shape: bShape })];
      use();
      return {
        async step() {
          return sumOfSquares(matmul(x!, y!, { transposeA: s.layout === "tn", transposeB: s.layout === "nt" }).data);
        },
        activate: async () => use(),
        dispose: () => void setThreads(defaultThreads),
      };
    },
  };
}

function tfjsWasm(s: MatmulShape): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (wasm)`,
    note: "`tf.matMul` with its transposeA/transposeB flags, on @tensorflow/tfjs-backend-wasm (XNNPACK, SIMD, one thread in Node)",
    async setup(): Promise<Runner> {
      await useTfjsBackend("wasm");
      const { a, aShape, b, bShape } = operands(s);
      const [x, y] = [tf.tensor2d(a, aShape), tf.tensor2d(b, bShape)];
      return {
        async step() {
          const c = tf.matMul(x, y, s.layout === "tn", s.layout === "nt");
          const value = sumOfSquares(await c.data());
          c.dispose();
          return value;
        },
        activate: () => useTfjsBackend("wasm"),
        dispose: () => tf.dispose([x, y]),
        liveObjects: () => tf.memory().numTensors,
      };
    },
  };
}

function jaxEager(s: MatmulShape): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, eager)`,
    note: "`np.matmul` (operands transposed with `.transpose()` where the layout asks), one thread",
    async setup(): Promise<Runner> {
      await initJax();
      const { a, aShape, b, bShape } = operands(s);
      const x = np.array(a).reshape(aShape);
      const y = np.array(b).reshape(bShape);
      return {
        async step() {
          const lhs = s.layout === "tn" ? x.ref.transpose() : x.ref;
          const rhs = s.layout === "nt" ? y.ref.transpose() : y.ref;
          return sumOfSquares(await np.matmul(lhs, rhs).data());
        },
        dispose: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

function matmulCase(s: MatmulShape): BenchCase {
  const mflop = (2 * s.m * s.n * s.k) / 1e6;
  const what = { nn: "A·B", tn: "Aᵀ·B", nt: "A·Bᵀ" }[s.layout];
  return {
    name: `matmul-${s.name}`,
    description:
      `One float32 product ${what} giving [${s.m}, ${s.n}] with inner dimension ${s.k} (${mflop.toFixed(1)} MFLOP: ` +
      `GFLOP/s = ${mflop.toFixed(1)} ÷ median ms ÷ 1000), result read back`,
    rtol: 1e-4,
    checkSteps: 2,
    frameworks: [tapegrad(s, "default"), tapegrad(s, 1), tfjsWasm(s), jaxEager(s)],
  };
}

/** The square sizes of the issue, then the training step's products (forward, and backward's transposed ones). */
export const matmulCases: BenchCase[] = [
  ...[64, 128, 256, 512, 1024].map((n) => matmulCase({ name: `${n}`, m: n, n, k: n, layout: "nn" })),
  matmulCase({ name: "x·w1", m: 128, n: 256, k: 784, layout: "nn" }),
  matmulCase({ name: "xT·g1", m: 784, n: 256, k: 128, layout: "tn" }),
  matmulCase({ name: "g2·w2T", m: 128, n: 256, k: 128, layout: "nt" }),
];
