/**
 * conv2d-*: the two convolutions of train-step-cnn on their own, 3×3 with padding 1 over a batch of 64:
 * 1→16 channels on 28×28 and 16→32 on 14×14. Forward only (result read back; the step's value is Σ y²),
 * and forward + backward (the gradients of Σ y with respect to the input and the weight, read back; the
 * value is Σ dx² + Σ dw²).
 *
 * Next to the frameworks, a row times tapegrad's matmul alone at the products the convolution makes
 * (im2col's columns drawn once, outside the timed region): forward W·X batched over the images, and for
 * the gradients also Wᵀ·G and G·Xᵀ. Its time ÷ tapegrad's conv2d time is the fraction of the matmul
 * kernel's own GFLOP/s that conv2d reaches; the rest of conv2d's time is im2col, col2im and the sum of
 * the weight gradient over the images.
 */
import { conv2d, matmul, Rng, tensor, type Tensor } from "@tapegrad/core";
import { grad, jit, lax, numpy as np } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend } from "../frameworks/tfjs.js";
import { registerWasmConv2dFilterGrad } from "../frameworks/tfjsWasmConvFilterGrad.js";
import { initJax, jaxVersion } from "../frameworks/jax.js";
import { BATCH, hwioFromOihw, nhwcFromNchw } from "./cnnData.js";

interface ConvShape {
  name: string;
  cin: number;
  cout: number;
  /** Height and width of the (square) input, and of the output ("same" padding). */
  side: number;
  /** With the gradients of Σ y (forward + backward) or forward only. */
  backward: boolean;
}

const SEED = 1207;
const K = 3;

/** Input [BATCH, cin, side, side] and weight [cout, cin, 3, 3], uniform in [-1, 1), NCHW / OIHW. */
function operands(s: ConvShape): { x: Float32Array; w: Float32Array } {
  const rng = new Rng(SEED);
  const draw = (n: number): Float32Array => Float32Array.from({ length: n }, () => 2 * rng.uniform() - 1);
  return { x: draw(BATCH * s.cin * s.side * s.side), w: draw(s.cout * s.cin * K * K) };
}

function sumOfSquares(...arrays: ArrayLike<number>[]): number {
  let total = 0;
  for (const c of arrays) for (let i = 0; i < c.length; i++) total += c[i]! * c[i]!;
  return total;
}

function tapegrad(s: ConvShape): FrameworkSetup {
  return {
    framework: "tapegrad",
    note: "`conv2d(x, w, undefined, { padding: 1 })` with default settings: im2col + the WebAssembly SIMD matmul; gradients by `backward()` (col2im for the input's)",
    async setup(): Promise<Runner> {
      const d = operands(s);
      const x = tensor(d.x, { shape: [BATCH, s.cin, s.side, s.side], requiresGrad: s.backward });
      const w = tensor(d.w, { shape: [s.cout, s.cin, K, K], requiresGrad: s.backward });
      return {
        async step() {
          const y = conv2d(x, w, undefined, { padding: 1 });
          if (!s.backward) return sumOfSquares(y.data);
          [x.grad, w.grad] = [null, null];
          y.sum().backward();
          return sumOfSquares(x.grad!.data, w.grad!.data);
        },
        dispose: () => undefined,
      };
    },
  };
}

/** tapegrad's matmul alone at conv2d's products, on im2col columns made once: the kernel's own speed. */
function tapegradGemm(s: ConvShape): FrameworkSetup {
  const [k, l] = [s.cin * K * K, s.side * s.side];
  return {
    framework: "tapegrad matmul only",
    comparable: false,
    note:
      `\`matmul\` of the weight [1, ${s.cout}, ${k}] and the columns [${BATCH}, 1, ${k}, ${l}]` +
      (s.backward ? `, then Wᵀ·G and G·Xᵀ with the transpose flags (the gradients' products, before col2im and the sum over images)` : "") +
      `; the columns are drawn once, so no im2col is timed`,
    async setup(): Promise<Runner> {
      const rng = new Rng(SEED);
      const draw = (shape: number[]): Tensor => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.uniform() - 1), { shape });
      const [w, cols, g] = [draw([1, s.cout, k]), draw([BATCH, 1, k, l]), draw([BATCH, 1, s.cout, l])];
      return {
        async step() {
          const y = matmul(w, cols);
          if (!s.backward) return sumOfSquares(y.data);
          return sumOfSquares(matmul(w, g, { transposeA: true }).data, matmul(g, cols, { transposeB: true }).data);
        },
        dispose: () => undefined,
      };
    },
  };
}

function tfjsWasm(s: ConvShape): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (wasm)`,
    note:
      "`tf.conv2d(x, w, 1, \"same\")` in NHWC/HWIO (converted at setup) on @tensorflow/tfjs-backend-wasm (XNNPACK, one thread)" +
      (s.backward ? "; gradients by `tf.grads`, the weight's on its compiled Conv3DBackpropFilterV2 (it has no Conv2DBackpropFilter)" : ""),
    async setup(): Promise<Runner> {
      await useTfjsBackend("wasm");
      registerWasmConv2dFilterGrad();
      const d = operands(s);
      const x = tf.tensor4d(nhwcFromNchw(d.x, BATCH, s.cin, s.side), [BATCH, s.side, s.side, s.cin]);
      const w = tf.tensor4d(hwioFromOihw(d.w, s.cout, s.cin), [K, K, s.cin, s.cout]);
      const gradients = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")));
      return {
        async step() {
          if (!s.backward) {
            const y = tf.conv2d(x, w, 1, "same");
            const value = sumOfSquares(await y.data());
            y.dispose();
            return value;
          }
          const [dx, dw] = gradients([x, w]) as [tf.Tensor, tf.Tensor];
          const value = sumOfSquares(await dx.data(), await dw.data());
          tf.dispose([dx, dw]);
          return value;
        },
        activate: () => useTfjsBackend("wasm"),
        dispose: () => tf.dispose([x, w]),
        liveObjects: () => tf.memory().numTensors,
      };
    },
  };
}

function jaxJit(s: ConvShape): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, jit)`,
    note: "`lax.convGeneralDilated(x, w, [1, 1], \"SAME\")` (NCHW/OIHW) under `jit`" + (s.backward ? ", gradients by `grad` of its sum, under `jit`" : ""),
    async setup(): Promise<Runner> {
      await initJax();
      const d = operands(s);
      const x = np.array(d.x).reshape([BATCH, s.cin, s.side, s.side]);
      const w = np.array(d.w).reshape([s.cout, s.cin, K, K]);
      const conv = (a: np.Array, b: np.Array): np.Array => lax.convGeneralDilated(a, b, [1, 1], "SAME");
      const forward = jit(conv);
      const gradients = jit(grad((p: [np.Array, np.Array]) => conv(p[0], p[1]).sum()));
      return {
        async step() {
          if (!s.backward) return sumOfSquares(await forward(x.ref, w.ref).data());
          const [dx, dw] = gradients([x.ref, w.ref]) as [np.Array, np.Array];
          return sumOfSquares(await dx.data(), await dw.data());
        },
        dispose() {
          x.dispose();
          w.dispose();
          forward.dispose();
          gradients.dispose();
        },
      };
    },
  };
}

function convCase(s: ConvShape): BenchCase {
  const mflop = ((s.backward ? 3 : 1) * 2 * BATCH * s.cout * s.side * s.side * s.cin * K * K) / 1e6;
  const what = s.backward ? "forward and the gradients of Σ y for input and weight (3× the forward's FLOPs)" : "forward";
  return {
    name: `conv2d-${s.name}`,
    description:
      `float32 conv2d 3×3, padding 1, of [${BATCH}, ${s.cin}, ${s.side}, ${s.side}] to ${s.cout} channels (train-step-cnn's ` +
      `${s.cin === 1 ? "first" : "second"} convolution), ${what}, results read back: ${mflop.toFixed(1)} MFLOP ` +
      `(GFLOP/s = ${mflop.toFixed(1)} ÷ median ms ÷ 1000). The "matmul only" row's time ÷ tapegrad's is the fraction of ` +
      `the matmul kernel's own GFLOP/s that conv2d reaches`,
    rtol: 1e-4,
    checkSteps: 2,
    frameworks: [tapegrad(s), tapegradGemm(s), tfjsWasm(s), jaxJit(s)],
  };
}

/** train-step-cnn's two convolutions, forward, then forward + backward. */
export const conv2dCases: BenchCase[] = [
  convCase({ name: "1to16", cin: 1, cout: 16, side: 28, backward: false }),
  convCase({ name: "16to32", cin: 16, cout: 32, side: 14, backward: false }),
  convCase({ name: "1to16-grad", cin: 1, cout: 16, side: 28, backward: true }),
  convCase({ name: "16to32-grad", cin: 16, cout: 32, side: 14, backward: true }),
];
