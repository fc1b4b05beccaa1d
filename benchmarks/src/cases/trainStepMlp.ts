/**
 * train-step-mlp: one training step of the lecture's 4-layer network 784→256→128→10 (ReLU after the two
 * hidden layers, softmax cross-entropy averaged over the batch), batch 128, Adam (lr 1e-3, betas 0.9 and
 * 0.999, eps 1e-8, torch's form in every framework), float32.
 *
 * A step is forward, backward and the in-place parameter update, plus reading the loss back to
 * JavaScript. Every framework starts from the same weights (drawn once with tapegrad's seeded `Rng` and
 * copied in) and trains on the same fixed batch, so their losses agree step by step; the harness checks
 * that before it times anything.
 *
 * Weights are stored `[in, out]` so that a layer is `x·W + b` in every framework.
 */
import { Rng, softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { nn, numpy as np } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend, type TfjsBackend } from "../frameworks/tfjs.js";
import { jaxVersion } from "../frameworks/jax.js";
import { jaxTrainer, pytorchRow, TAPEGRAD_JIT_NOTE, tapegradRowName, tapegradTrainer, tfjsTrainer } from "./training.js";

const SIZES = [784, 256, 128, 10] as const;
const BATCH = 128;
const SEED = 20261128;

interface Layer {
  /** [in, out], row-major. */
  w: Float32Array;
  b: Float32Array;
  fanIn: number;
  fanOut: number;
}

interface MlpData {
  layers: Layer[];
  /** [BATCH, 784], uniform in [0, 1) like pixel intensities. */
  x: Float32Array;
  /** [BATCH] class indices. */
  labels: number[];
  /** [BATCH, 10] one-hot rows of `labels`. */
  oneHot: Float32Array;
}

/** He-normal weights and small normal biases, then a random batch: all from one seeded generator. */
function makeData(): MlpData {
  const rng = new Rng(SEED);
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < SIZES.length; l++) {
    const [fanIn, fanOut] = [SIZES[l]!, SIZES[l + 1]!];
    const scale = Math.sqrt(2 / fanIn);
    const w = Float32Array.from({ length: fanIn * fanOut }, () => rng.normal() * scale);
    const b = Float32Array.from({ length: fanOut }, () => rng.normal() * 0.01);
    layers.push({ w, b, fanIn, fanOut });
  }
  const x = Float32Array.from({ length: BATCH * SIZES[0] }, () => rng.uniform());
  const labels = Array.from({ length: BATCH }, () => rng.int(SIZES[3]));
  const oneHot = new Float32Array(BATCH * SIZES[3]);
  labels.forEach((c, i) => (oneHot[i * SIZES[3] + c] = 1));
  return { layers, x, labels, oneHot };
}

let cached: MlpData | null = null;
/** The data, made once; setups copy from it and never write to it. */
const data = (): MlpData => (cached ??= makeData());

// ---------------------------------------------------------------------------------------------- tapegrad

function tapegrad(compiled = false): FrameworkSetup {
  return {
    framework: tapegradRowName(compiled),
    note: compiled
      ? TAPEGRAD_JIT_NOTE
      : "@tapegrad/core from source with its default settings (fast kernels, one thread per core for large matmuls); tape autodiff; `Adam` from @tapegrad/optim",
    async setup(): Promise<Runner> {
      const d = data();
      const params: Tensor[] = d.layers.flatMap((l) => [
        tensor(l.w, { shape: [l.fanIn, l.fanOut], requiresGrad: true }),
        tensor(l.b, { shape: [l.fanOut], requiresGrad: true }),
      ]);
      const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const x = tensor(d.x, { shape: [BATCH, SIZES[0]] });
      const y = tensor(Float32Array.from(d.labels)); // class indices as a float tensor
      return tapegradTrainer(params, () =>
        softmaxCrossEntropy(x.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3), y),
      compiled);
    },
  };
}

// -------------------------------------------------------------------------------------------------- tfjs

function tfjs(backend: TfjsBackend): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (${backend})`,
    note:
      backend === "wasm"
        ? "@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm, one thread with SIMD (tfjs turns threads off in Node)"
        : "@tensorflow/tfjs, its plain-JavaScript CPU backend",
    async setup(): Promise<Runner> {
      await useTfjsBackend(backend);
      const d = data();
      const vars = d.layers.flatMap((l) => [
        tf.variable(tf.tensor2d(l.w, [l.fanIn, l.fanOut], "float32")),
        tf.variable(tf.tensor1d(l.b, "float32")),
      ]);
      const [w1, b1, w2, b2, w3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const x = tf.tensor2d(d.x, [BATCH, SIZES[0]], "float32");
      const y = tf.tensor2d(d.oneHot, [BATCH, SIZES[3]], "float32");
      return tfjsTrainer(backend, vars, () => {
        const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
        const logits = tf.add(tf.matMul(h2, w3), b3);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar; // mean over the batch
      }, [x, y]);
    },
  };
}

// ------------------------------------------------------------------------------------------------ jax-js

/** The loss of the network; consumes `p`, `x` and `y` (jax-js ownership), each used exactly once. */
function jaxLoss(p: np.Array[], x: np.Array, y: np.Array): np.Array {
  const [w1, b1, w2, b2, w3, b3] = p as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
  const h1 = nn.relu(np.matmul(x, w1).add(b1));
  const h2 = nn.relu(np.matmul(h1, w2).add(b2));
  const logits = np.matmul(h2, w3).add(b3);
  return nn.logSoftmax(logits, -1).mul(y).sum().mul(-1 / BATCH);
}

function jaxjs(mode: "eager" | "jit"): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, ${mode})`,
    note:
      mode === "jit"
        ? "`jit` of the whole step (valueAndGrad + Adam written with jax-js ops); its first call traces and compiles (the cold first-step column)"
        : "eager `valueAndGrad` + Adam written with jax-js ops, parameters awaited (`blockUntilReady`) every step. Its JavaScript heap grows " +
          "by about 100 KB per step that garbage collection does not reclaim (jax-js 0.1.25's eager `valueAndGrad` " +
          "does so on a tiny function too, about 4 KB per call; the jit row does not grow)",
    async setup(): Promise<Runner> {
      const d = data();
      return jaxTrainer(
        mode,
        jaxLoss,
        () => d.layers.flatMap((l) => [np.array(Float32Array.from(l.w)).reshape([l.fanIn, l.fanOut]), np.array(Float32Array.from(l.b))]),
        () => [np.array(Float32Array.from(d.x)).reshape([BATCH, SIZES[0]]), np.array(Float32Array.from(d.oneHot)).reshape([BATCH, SIZES[3]])],
      );
    },
  };
}

// ----------------------------------------------------------------------------------------------- PyTorch

const pytorch = (): FrameworkSetup =>
  pytorchRow("train_step_mlp.py", "the network written with `@`, `torch.relu` and `cross_entropy` on weights stored `[in, out]`", () => {
    const d = data();
    return { arrays: [...d.layers.flatMap((l) => [l.w, l.b]), d.x, Float32Array.from(d.labels)], spec: { sizes: SIZES, batch: BATCH } };
  });

export const trainStepMlp: BenchCase = {
  name: "train-step-mlp",
  description:
    "One Adam training step (forward, backward, update, loss read back) of an MLP 784→256→128→10 with ReLU and " +
    "softmax cross-entropy, batch 128, lr 1e-3, float32, same initial weights and batch in every framework",
  rtol: 1e-4,
  checkSteps: 3,
  frameworks: [tapegrad(), tapegrad(true), tfjs("cpu"), tfjs("wasm"), jaxjs("eager"), jaxjs("jit"), pytorch()],
};
