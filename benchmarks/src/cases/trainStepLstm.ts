/**
 * train-step-lstm: one training step of a one-layer LSTM (input 32, hidden 128) over a sequence of 32
 * steps, batch 64: the loss is the mean squared difference between the last hidden state and a fixed
 * target, then Adam (lr 1e-3, betas 0.9 and 0.999, eps 1e-8, torch's form), float32.
 *
 * A step is the forward pass through all 32 steps, the backward pass through time, the update and reading
 * the loss back to JavaScript. All frameworks start from the same weights (PyTorch's LSTM initialisation,
 * U(±1/√hidden), drawn once with tapegrad's seeded `Rng`) and the same batch. tapegrad runs its
 * `LSTM` layer from @tapegrad/nn and PyTorch its `torch.nn.LSTM`, both loaded with the weights in PyTorch's
 * layout `[4·hidden, in]`; tfjs and jax-js hold the transposes `[in, 4·hidden]` so that every product is
 * `x·W` (tfjs-backend-wasm is slow on transposed products), and compute the same cell (gates i, f, g, o;
 * both biases, as PyTorch).
 */
import { Rng, tensor } from "@tapegrad/core";
import { LSTM } from "@tapegrad/nn";
import { nn, numpy as np } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend } from "../frameworks/tfjs.js";
import { jaxVersion } from "../frameworks/jax.js";
import { jaxTrainer, pytorchRow, TAPEGRAD_JIT_NOTE, tapegradRowName, tapegradTrainer, tfjsTrainer, type JaxParams } from "./training.js";
import { transposed } from "./transposed.js";

const [T, B, IN, H] = [32, 64, 32, 128] as const;
const G = 4 * H;
const SEED = 20261207;

interface LstmData {
  /** PyTorch layout: weight_ih [G, IN], weight_hh [G, H], bias_ih [G], bias_hh [G]. */
  wih: Float32Array;
  whh: Float32Array;
  bih: Float32Array;
  bhh: Float32Array;
  /** [T, B, IN], standard normal. */
  x: Float32Array;
  /** [B, H], uniform in [−½, ½). */
  target: Float32Array;
}

function makeData(): LstmData {
  const rng = new Rng(SEED);
  const bound = 1 / Math.sqrt(H);
  const draw = (n: number): Float32Array => Float32Array.from({ length: n }, () => (2 * rng.uniform() - 1) * bound);
  return {
    wih: draw(G * IN), whh: draw(G * H), bih: draw(G), bhh: draw(G),
    x: Float32Array.from({ length: T * B * IN }, () => rng.normal()),
    target: Float32Array.from({ length: B * H }, () => rng.uniform() - 0.5),
  };
}

let cached: LstmData | null = null;
const data = (): LstmData => (cached ??= makeData());

function tapegrad(compiled = false): FrameworkSetup {
  return {
    framework: tapegradRowName(compiled),
    note: compiled ? TAPEGRAD_JIT_NOTE : "`LSTM` from @tapegrad/nn (per step: the input and hidden products, the summed biases, the gates) from source with core's default settings; tape autodiff; `Adam` from @tapegrad/optim",
    async setup(): Promise<Runner> {
      const d = data();
      const lstm = new LSTM(IN, H);
      lstm.loadStateDict({
        weight_ih_l0: tensor(d.wih, { shape: [G, IN] }), weight_hh_l0: tensor(d.whh, { shape: [G, H] }),
        bias_ih_l0: tensor(d.bih), bias_hh_l0: tensor(d.bhh),
      });
      const x = tensor(d.x, { shape: [T, B, IN] });
      const target = tensor(d.target, { shape: [1, B, H] });
      return tapegradTrainer(lstm.parameters(), () => {
        const [, [hN]] = lstm.forward(x);
        return hN.sub(target).square().mean();
      }, compiled);
    },
  };
}

function tfjsWasm(): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (wasm)`,
    note: "@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm (one thread, SIMD); the cell written with tfjs ops, the input projection of all steps in one product, `tf.train.adam(...).minimize(...)`",
    async setup(): Promise<Runner> {
      await useTfjsBackend("wasm"); // the variables are made on the backend that is active
      const d = data();
      const vars = [
        tf.variable(tf.tensor2d(transposed(d.wih, G, IN), [IN, G])), tf.variable(tf.tensor2d(transposed(d.whh, G, H), [H, G])),
        tf.variable(tf.tensor1d(d.bih)), tf.variable(tf.tensor1d(d.bhh)),
      ];
      const [wih, whh, bih, bhh] = vars as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
      const x = tf.tensor2d(d.x, [T * B, IN]);
      const target = tf.tensor2d(d.target, [B, H]);
      const lossFn = (): tf.Scalar => {
        const steps = tf.unstack(tf.reshape(tf.add(tf.matMul(x, wih), bih), [T, B, G]));
        let h: tf.Tensor = tf.zeros([B, H]);
        let c: tf.Tensor = tf.zeros([B, H]);
        for (const xw of steps) {
          const [i, f, g, o] = tf.split(tf.add(tf.add(xw, tf.matMul(h, whh)), bhh), 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
          h = tf.mul(tf.sigmoid(o), tf.tanh(c));
        }
        return tf.mean(tf.square(tf.sub(h, target))) as tf.Scalar;
      };
      return tfjsTrainer("wasm", vars, lossFn, [x, target]);
    },
  };
}

/** The loss; consumes `p`, `x` and `target` (jax-js ownership), each used once (`.ref` where reused). */
function jaxLstmLoss(p: JaxParams, x: np.Array, target: np.Array): np.Array {
  const [wih, whh, bih, bhh] = p as [np.Array, np.Array, np.Array, np.Array];
  const steps = np.unstack(np.matmul(x, wih).add(bih).reshape([T, B, G]), 0);
  let h = np.zeros([B, H]);
  let c = np.zeros([B, H]);
  for (const xw of steps) {
    const [i, f, g, o] = np.split(xw.add(np.matmul(h, whh.ref)).add(bhh.ref), 4, 1) as [np.Array, np.Array, np.Array, np.Array];
    c = nn.sigmoid(f).mul(c).add(nn.sigmoid(i).mul(np.tanh(g)));
    h = nn.sigmoid(o).mul(np.tanh(c.ref));
  }
  whh.dispose();
  bhh.dispose();
  c.dispose();
  return np.square(h.sub(target)).sum().mul(1 / (B * H));
}

function jaxjsJit(): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, jit)`,
    note: "`jit` of the whole step (valueAndGrad of the unrolled 32 steps + Adam written with jax-js ops); its first call traces and compiles (the cold first-step column)",
    async setup(): Promise<Runner> {
      const d = data();
      const params = (): JaxParams => [
        np.array(transposed(d.wih, G, IN)).reshape([IN, G]), np.array(transposed(d.whh, G, H)).reshape([H, G]),
        np.array(Float32Array.from(d.bih)), np.array(Float32Array.from(d.bhh)),
      ];
      const inputs = (): [np.Array, np.Array] => [
        np.array(Float32Array.from(d.x)).reshape([T * B, IN]),
        np.array(Float32Array.from(d.target)).reshape([B, H]),
      ];
      return jaxTrainer("jit", jaxLstmLoss, params, inputs);
    },
  };
}

/** torch.nn.LSTM, loaded with the weights as drawn (they are in its layout). */
const pytorch = (): FrameworkSetup =>
  pytorchRow("train_step_lstm.py", "`torch.nn.LSTM` (one layer, sequence first) with the weights loaded by `load_state_dict`, the MSE of `h_n` written with tensor ops", () => {
    const d = data();
    return { arrays: [d.wih, d.whh, d.bih, d.bhh, d.x, d.target], spec: { steps: T, batch: B, inputs: IN, hidden: H } };
  });

export const trainStepLstm: BenchCase = {
  name: "train-step-lstm",
  description:
    "One Adam training step (forward through 32 steps, backward through time, update, loss read back) of a one-layer LSTM, " +
    "input 32, hidden 128, batch 64, loss the mean squared error of the last hidden state, lr 1e-3, float32, same weights and data everywhere",
  rtol: 1e-4,
  checkSteps: 3,
  frameworks: [tapegrad(), tapegrad(true), tfjsWasm(), jaxjsJit(), pytorch()],
};
