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
import { Adam } from "@tapegrad/optim";
import { blockUntilReady, jit, nn, numpy as np, tree, valueAndGrad } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend, type TfjsBackend } from "../frameworks/tfjs.js";
import { initJax, jaxVersion } from "../frameworks/jax.js";

const SIZES = [784, 256, 128, 10] as const;
const BATCH = 128;
const LR = 1e-3;
const [BETA1, BETA2, EPS] = [0.9, 0.999, 1e-8];
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

function tapegrad(): FrameworkSetup {
  return {
    framework: "tapegrad",
    note: "@tapegrad/core from source with its default settings (fast kernels, one thread per core for large matmuls); tape autodiff; `Adam` from @tapegrad/optim",
    async setup(): Promise<Runner> {
      const d = data();
      const params: Tensor[] = d.layers.flatMap((l) => [
        tensor(l.w, { shape: [l.fanIn, l.fanOut], requiresGrad: true }),
        tensor(l.b, { shape: [l.fanOut], requiresGrad: true }),
      ]);
      const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const x = tensor(d.x, { shape: [BATCH, SIZES[0]] });
      const y = tensor(Float32Array.from(d.labels)); // class indices as a float tensor
      const optimizer = new Adam(params, { lr: LR, betas: [BETA1, BETA2], eps: EPS });
      return {
        async step() {
          optimizer.zeroGrad();
          const logits = x.matmul(w1).add(b1).relu().matmul(w2).add(b2).relu().matmul(w3).add(b3);
          const loss = softmaxCrossEntropy(logits, y);
          loss.backward();
          optimizer.step();
          return loss.item();
        },
        dispose: () => undefined,
      };
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
      const optimizer = tf.train.adam(LR, BETA1, BETA2, EPS);
      const lossFn = (): tf.Scalar => {
        const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
        const logits = tf.add(tf.matMul(h2, w3), b3);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar; // mean over the batch
      };
      return {
        async step() {
          // minimize() computes the gradients inside a tidy, applies them, and returns the loss (kept).
          const loss = optimizer.minimize(lossFn, true, vars)!;
          const value = (await loss.data())[0]!;
          loss.dispose();
          return value;
        },
        dispose() {
          tf.dispose([...vars, x, y]);
          optimizer.dispose();
        },
        activate: () => useTfjsBackend(backend),
        liveObjects: () => tf.memory().numTensors, // all backends together
      };
    },
  };
}

// ------------------------------------------------------------------------------------------------ jax-js

export type JaxParams = np.Array[];

/** The loss of the network; consumes `p`, `x` and `y` (jax-js ownership), each used exactly once. */
function jaxLoss(p: JaxParams, x: np.Array, y: np.Array): np.Array {
  const [w1, b1, w2, b2, w3, b3] = p as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
  const h1 = nn.relu(np.matmul(x, w1).add(b1));
  const h2 = nn.relu(np.matmul(h1, w2).add(b2));
  const logits = np.matmul(h2, w3).add(b3);
  return nn.logSoftmax(logits, -1).mul(y).sum().mul(-1 / BATCH);
}

/** Adam's state: first and second moments, one array per parameter (a type alias, so it is a jax-js tree). */
export type JaxAdam = { m: JaxParams; v: JaxParams };

/**
 * One Adam update in torch's form (as @tapegrad/optim and tfjs): θ − lrHat·m / (√v·vScale + ε), with the
 * step-dependent scalars lrHat = lr / (1 − β1^t) and vScale = 1 / √(1 − β2^t) passed in as arrays so that
 * a jitted step does not bake the step count in. Consumes everything it is given.
 */
export function adam(p: JaxParams, g: JaxParams, s: JaxAdam, lrHat: np.Array, vScale: np.Array): [JaxParams, JaxAdam] {
  const next = p.map((pi, i) => {
    const gi = g[i]!;
    const mi = s.m[i]!.mul(BETA1).add(gi.ref.mul(1 - BETA1));
    const vi = s.v[i]!.mul(BETA2).add(gi.ref.mul(gi).mul(1 - BETA2));
    const update = mi.ref.mul(lrHat.ref).div(np.sqrt(vi.ref).mul(vScale.ref).add(EPS));
    return [pi.sub(update), mi, vi] as const;
  });
  lrHat.dispose();
  vScale.dispose();
  return [next.map((t) => t[0]), { m: next.map((t) => t[1]), v: next.map((t) => t[2]) }];
}

/** Adam's step-dependent scalars at step t (1-based), as jax-js arrays. */
export const adamScalars = (t: number): [np.Array, np.Array] => [
  np.array(Float32Array.of(LR / (1 - BETA1 ** t))).reshape([]),
  np.array(Float32Array.of(1 / Math.sqrt(1 - BETA2 ** t))).reshape([]),
];

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
      await initJax();
      const d = data();
      let params: JaxParams = d.layers.flatMap((l) => [
        np.array(Float32Array.from(l.w)).reshape([l.fanIn, l.fanOut]),
        np.array(Float32Array.from(l.b)),
      ]);
      const x = np.array(Float32Array.from(d.x)).reshape([BATCH, SIZES[0]]);
      const y = np.array(Float32Array.from(d.oneHot)).reshape([BATCH, SIZES[3]]);
      let state: JaxAdam = { m: params.map((p) => np.zerosLike(p.ref)), v: params.map((p) => np.zerosLike(p.ref)) };
      let t = 0;
      const valueAndGradLoss = valueAndGrad(jaxLoss);
      const trainStep = jit(
        (p: JaxParams, s: JaxAdam, lrHat: np.Array, vScale: np.Array, xb: np.Array, yb: np.Array): [np.Array, JaxParams, JaxAdam] => {
          const [loss, g] = valueAndGradLoss(tree.ref(p), xb, yb);
          return [loss, ...adam(p, g, s, lrHat, vScale)];
        },
      );
      return {
        async step() {
          let loss: np.Array;
          const [lrHat, vScale] = adamScalars(++t);
          if (mode === "jit") {
            [loss, params, state] = trainStep(params, state, lrHat, vScale, x.ref, y.ref);
          } else {
            const [l, g] = valueAndGradLoss(tree.ref(params), x.ref, y.ref);
            loss = l;
            [params, state] = adam(params, g, state, lrHat, vScale);
          }
          await blockUntilReady(params);
          return (await loss.data())[0]!; // data() consumes the loss
        },
        dispose() {
          tree.dispose(params);
          tree.dispose(state);
          x.dispose();
          y.dispose();
          trainStep.dispose();
        },
      };
    },
  };
}

export const trainStepMlp: BenchCase = {
  name: "train-step-mlp",
  description:
    "One Adam training step (forward, backward, update, loss read back) of an MLP 784→256→128→10 with ReLU and " +
    "softmax cross-entropy, batch 128, lr 1e-3, float32, same initial weights and batch in every framework",
  rtol: 1e-4,
  checkSteps: 3,
  frameworks: [tapegrad(), tfjs("cpu"), tfjs("wasm"), jaxjs("eager"), jaxjs("jit")],
};
