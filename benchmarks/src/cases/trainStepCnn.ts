/**
 * train-step-cnn: one Adam training step (the settings of train-step-mlp, see training.ts) of a small
 * CNN on 28×28 single-channel images, batch 64, float32:
 *
 *     conv 1→16 3×3 (padding 1), ReLU, max-pool 2 → [64, 16, 14, 14]
 *     conv 16→32 3×3 (padding 1), ReLU, max-pool 2 → [64, 32, 7, 7]
 *     flatten, linear 1568→10, softmax cross-entropy averaged over the batch
 *
 * Every framework starts from the same weights and trains on the same batch (see cnnData.ts), so their
 * losses agree step by step. tapegrad and jax-js run NCHW with OIHW kernels; tfjs runs its native NHWC
 * with HWIO kernels, its input and weights permuted once at setup (outside the timed region), the linear
 * layer's rows included, so that it computes the same function. PyTorch builds the network from
 * `torch.nn` layers (NCHW, OIHW) and loads the same weights, its `Linear`'s transposed to `[10, 1568]`.
 */
import { softmaxCrossEntropy, tensor, type Tensor } from "@tapegrad/core";
import { lax, nn, numpy as np } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend, type TfjsBackend } from "../frameworks/tfjs.js";
import { registerWasmConv2dFilterGrad } from "../frameworks/tfjsWasmConvFilterGrad.js";
import { jaxVersion } from "../frameworks/jax.js";
import { BATCH, CLASSES, cnnData, FLAT, hwioFromOihw, IMAGE, nhwcFromNchw, POOLED, rowsHwcFromChw, type ConvLayer } from "./cnnData.js";
import { jaxTrainer, pytorchRow, TAPEGRAD_JIT_NOTE, tapegradRowName, tapegradTrainer, tfjsTrainer } from "./training.js";
import { transposed } from "./transposed.js";

const POOL = 2;

// ---------------------------------------------------------------------------------------------- tapegrad

function tapegrad(compiled = false): FrameworkSetup {
  return {
    framework: tapegradRowName(compiled),
    note: compiled
      ? TAPEGRAD_JIT_NOTE
      :
      "@tapegrad/core from source with its default settings: `conv2d` (im2col + the WebAssembly SIMD matmul), `relu`, `maxPool2d`, " +
      "`reshape`, `matmul`, `softmaxCrossEntropy`; tape autodiff; `Adam` from @tapegrad/optim",
    async setup(): Promise<Runner> {
      const d = cnnData();
      const conv = (l: ConvLayer): Tensor[] => [
        tensor(l.w, { shape: [l.out, l.in, 3, 3], requiresGrad: true }),
        tensor(l.b, { shape: [l.out], requiresGrad: true }),
      ];
      const params = [...conv(d.conv1), ...conv(d.conv2), tensor(d.fc.w, { shape: [FLAT, CLASSES], requiresGrad: true }), tensor(d.fc.b, { shape: [CLASSES], requiresGrad: true })];
      const [w1, b1, w2, b2, w3, b3] = params as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const x = tensor(d.x, { shape: [BATCH, 1, IMAGE, IMAGE] });
      const y = tensor(Float32Array.from(d.labels)); // class indices as a float tensor
      const block = (h: Tensor, w: Tensor, b: Tensor): Tensor => h.conv2d(w, b, { padding: 1 }).relu().maxPool2d({ kernelSize: POOL });
      return tapegradTrainer(params, () => softmaxCrossEntropy(block(block(x, w1, b1), w2, b2).reshape([BATCH, FLAT]).matmul(w3).add(b3), y), compiled);
    },
  };
}

// -------------------------------------------------------------------------------------------------- tfjs

function tfjs(backend: TfjsBackend): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (${backend})`,
    note:
      (backend === "wasm"
        ? "@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm (XNNPACK, one thread with SIMD). It has no `Conv2DBackpropFilter` kernel " +
          "(training fails without one); the weight gradient runs on its own compiled `Conv3DBackpropFilterV2` with depth 1 " +
          "(frameworks/tfjsWasmConvFilterGrad.ts)"
        : "@tensorflow/tfjs, its plain-JavaScript CPU backend") +
      ": `tf.conv2d` (NHWC, \"same\"), `tf.relu`, `tf.maxPool`, `tf.matMul`, `tf.losses.softmaxCrossEntropy`, `tf.train.adam(...).minimize`",
    async setup(): Promise<Runner> {
      await useTfjsBackend(backend);
      if (backend === "wasm") registerWasmConv2dFilterGrad();
      const d = cnnData();
      const conv = (l: ConvLayer): tf.Variable[] => [
        tf.variable(tf.tensor4d(hwioFromOihw(l.w, l.out, l.in), [3, 3, l.in, l.out], "float32")),
        tf.variable(tf.tensor1d(l.b, "float32")),
      ];
      const vars = [
        ...conv(d.conv1),
        ...conv(d.conv2),
        tf.variable(tf.tensor2d(rowsHwcFromChw(d.fc.w, d.conv2.out, POOLED, CLASSES), [FLAT, CLASSES], "float32")),
        tf.variable(tf.tensor1d(d.fc.b, "float32")),
      ];
      const [w1, b1, w2, b2, w3, b3] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const x = tf.tensor4d(nhwcFromNchw(d.x, BATCH, 1, IMAGE), [BATCH, IMAGE, IMAGE, 1], "float32");
      const y = tf.tensor2d(d.oneHot, [BATCH, CLASSES], "float32");
      const block = (h: tf.Tensor4D, w: tf.Variable, b: tf.Variable): tf.Tensor4D =>
        tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, "same"), b)) as tf.Tensor4D, POOL, POOL, "valid");
      return tfjsTrainer(backend, vars, () => {
        const logits = tf.add(tf.matMul(tf.reshape(block(block(x, w1, b1), w2, b2), [BATCH, FLAT]), w3), b3);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar; // mean over the batch
      }, [x, y]);
    },
  };
}

// ------------------------------------------------------------------------------------------------ jax-js

/** conv 3×3 "SAME" + bias, ReLU, max-pool 2 (as `lax.reduceWindow` of a window's max); consumes its arguments. */
function jaxBlock(h: np.Array, w: np.Array, b: np.Array, channels: number): np.Array {
  const z = lax.convGeneralDilated(h, w, [1, 1], "SAME").add(b.reshape([channels, 1, 1]));
  return lax.reduceWindow(nn.relu(z), (win: np.Array) => win.max(), [POOL, POOL], [POOL, POOL]);
}

/** The loss of the network; consumes `p`, `x` and `y` (jax-js ownership), each used exactly once. */
function jaxLoss(p: np.Array[], x: np.Array, y: np.Array): np.Array {
  const [w1, b1, w2, b2, w3, b3] = p as [np.Array, np.Array, np.Array, np.Array, np.Array, np.Array];
  const d = cnnData();
  const h = jaxBlock(jaxBlock(x, w1, b1, d.conv1.out), w2, b2, d.conv2.out);
  const logits = np.matmul(h.reshape([BATCH, FLAT]), w3).add(b3);
  return nn.logSoftmax(logits, -1).mul(y).sum().mul(-1 / BATCH);
}

function jaxjs(mode: "eager" | "jit"): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, ${mode})`,
    note:
      "`lax.convGeneralDilated` (NCHW/OIHW, \"SAME\"), `nn.relu`, max-pool as `lax.reduceWindow` with a window max (jax-js 0.1.25 has no " +
      "max-pool function of its own), `valueAndGrad` + Adam written with jax-js ops" +
      (mode === "jit" ? ", the whole step under `jit` (the cold first step is the trace and compile)" : ", eager"),
    async setup(): Promise<Runner> {
      const d = cnnData();
      const arr = (a: Float32Array, shape: number[]): np.Array => np.array(Float32Array.from(a)).reshape(shape);
      return jaxTrainer(
        mode,
        jaxLoss,
        () => [
          ...[d.conv1, d.conv2].flatMap((l) => [arr(l.w, [l.out, l.in, 3, 3]), arr(l.b, [l.out])]),
          arr(d.fc.w, [FLAT, CLASSES]),
          arr(d.fc.b, [CLASSES]),
        ],
        () => [arr(d.x, [BATCH, 1, IMAGE, IMAGE]), arr(d.oneHot, [BATCH, CLASSES])],
      );
    },
  };
}

// ----------------------------------------------------------------------------------------------- PyTorch

const pytorch = (): FrameworkSetup =>
  pytorchRow(
    "train_step_cnn.py",
    "`nn.Sequential` of `Conv2d(…, 3, padding=1)`, `ReLU`, `MaxPool2d(2)` twice, `Flatten`, `Linear`, the weights copied in (NCHW/OIHW, " +
      "the linear weight transposed to PyTorch's `[out, in]`), `cross_entropy`",
    () => {
      const d = cnnData();
      return {
        arrays: [d.conv1.w, d.conv1.b, d.conv2.w, d.conv2.b, transposed(d.fc.w, FLAT, CLASSES), d.fc.b, d.x, Float32Array.from(d.labels)],
        spec: { channels: [d.conv1.in, d.conv1.out, d.conv2.out], batch: BATCH, image: IMAGE, classes: CLASSES },
      };
    },
  );

export const trainStepCnn: BenchCase = {
  name: "train-step-cnn",
  description:
    "One Adam training step (forward, backward, update, loss read back) of a CNN on 28×28×1 images, batch 64: conv 1→16 3×3 (padding 1), " +
    "ReLU, max-pool 2, conv 16→32 3×3 (padding 1), ReLU, max-pool 2, linear 1568→10, softmax cross-entropy; lr 1e-3, float32, " +
    "same initial weights and batch in every framework",
  rtol: 1e-4,
  checkSteps: 3,
  frameworks: [tapegrad(), tapegrad(true), tfjs("wasm"), jaxjs("eager"), jaxjs("jit"), pytorch()],
};
