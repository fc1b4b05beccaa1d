/**
 * What the training-step cases share: the Adam settings, and one runner per framework that times a step
 * of a model given as its loss function. A step is forward, backward, the Adam update and reading the
 * loss back to JavaScript, so no framework can leave work pending outside the timed region. Adam is
 * torch's form everywhere (@tapegrad/optim, `tf.train.adam`, `jaxAdam` below, and `torch.optim.Adam`).
 */
import { jit as tapegradJit, type Tensor } from "@tapegrad/core";
import { Adam } from "@tapegrad/optim";
import { blockUntilReady, jit, numpy as np, tree, valueAndGrad } from "@jax-js/jax";
import type { FrameworkSetup, Runner } from "../types.js";
import { tf, useTfjsBackend, type TfjsBackend } from "../frameworks/tfjs.js";
import { initJax } from "../frameworks/jax.js";
import { pytorchRowName, pytorchRunner, torchVersion } from "../frameworks/pytorch.js";

export const LR = 1e-3;
export const [BETA1, BETA2, EPS] = [0.9, 0.999, 1e-8];

/** The note of a "tapegrad (jit)" row: the eager row's step, traced once and run as a program. */
export const TAPEGRAD_JIT_NOTE = "the same step (zeroGrad, forward, backward, Adam's step) under tapegrad's `jit`; its cold first step is the trace and compile";

/** The framework name of a tapegrad row, eager or under `jit`. */
export const tapegradRowName = (compiled: boolean): string => (compiled ? "tapegrad (jit)" : "tapegrad");

/** tapegrad: `loss()` builds the forward pass on the tape from `params`; `Adam` from @tapegrad/optim updates them. */
export function tapegradTrainer(params: Tensor[], loss: () => Tensor, compiled = false): Runner {
  const optimizer = new Adam(params, { lr: LR, betas: [BETA1, BETA2], eps: EPS });
  const body = (): Tensor => {
    optimizer.zeroGrad();
    const l = loss();
    l.backward();
    optimizer.step();
    return l;
  };
  // Under jit the whole step (forward, backward, Adam) is one traced program; the loss is read outside it.
  const step = compiled ? tapegradJit(body) : body;
  return {
    async step() {
      return step().item();
    },
    dispose: () => undefined,
  };
}

/** tfjs: `minimize` of `loss` over `vars` with `tf.train.adam`; `owned` (data, variables) is freed on dispose. */
export async function tfjsTrainer(backend: TfjsBackend, vars: tf.Variable[], loss: () => tf.Scalar, owned: tf.Tensor[]): Promise<Runner> {
  await useTfjsBackend(backend);
  const optimizer = tf.train.adam(LR, BETA1, BETA2, EPS);
  return {
    async step() {
      // minimize() computes the gradients inside a tidy, applies them, and returns the loss (kept).
      const l = optimizer.minimize(loss, true, vars)!;
      const value = (await l.data())[0]!;
      l.dispose();
      return value;
    },
    dispose() {
      tf.dispose([...vars, ...owned]);
      optimizer.dispose();
    },
    activate: () => useTfjsBackend(backend),
    liveObjects: () => tf.memory().numTensors, // all backends together
  };
}

export type JaxParams = np.Array[];

/** Adam's state: first and second moments, one array per parameter (a type alias, so it is a jax-js tree). */
type JaxAdam = { m: JaxParams; v: JaxParams };

/**
 * One Adam update in torch's form: θ − lrHat·m / (√v·vScale + ε), with the step-dependent scalars
 * lrHat = lr / (1 − β1^t) and vScale = 1 / √(1 − β2^t) passed in as arrays so that a jitted step does
 * not bake the step count in. Consumes everything it is given.
 */
function jaxAdam(p: JaxParams, g: JaxParams, s: JaxAdam, lrHat: np.Array, vScale: np.Array): [JaxParams, JaxAdam] {
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
const adamScalars = (t: number): [np.Array, np.Array] => [
  np.array(Float32Array.of(LR / (1 - BETA1 ** t))).reshape([]),
  np.array(Float32Array.of(1 / Math.sqrt(1 - BETA2 ** t))).reshape([]),
];

/** The loss of a jax-js model; consumes `p`, `x` and `y` (jax-js ownership). */
export type JaxLoss = (p: JaxParams, x: np.Array, y: np.Array) => np.Array;

/**
 * jax-js: `valueAndGrad` of `loss` and `jaxAdam`, eager or with the whole step under `jit` (whose first
 * call traces and compiles). `makeParams` and `makeData` run after the wasm device is up; the runner owns
 * what they return.
 */
export async function jaxTrainer(mode: "eager" | "jit", loss: JaxLoss, makeParams: () => JaxParams, makeData: () => [np.Array, np.Array]): Promise<Runner> {
  await initJax();
  let params = makeParams();
  const [x, y] = makeData();
  let state: JaxAdam = { m: params.map((p) => np.zerosLike(p.ref)), v: params.map((p) => np.zerosLike(p.ref)) };
  let t = 0;
  const valueAndGradLoss = valueAndGrad(loss);
  const trainStep = jit(
    (p: JaxParams, s: JaxAdam, lrHat: np.Array, vScale: np.Array, xb: np.Array, yb: np.Array): [np.Array, JaxParams, JaxAdam] => {
      const [l, g] = valueAndGradLoss(tree.ref(p), xb, yb);
      return [l, ...jaxAdam(p, g, s, lrHat, vScale)];
    },
  );
  return {
    async step() {
      let l: np.Array;
      const [lrHat, vScale] = adamScalars(++t);
      if (mode === "jit") {
        [l, params, state] = trainStep(params, state, lrHat, vScale, x.ref, y.ref);
      } else {
        const [value, g] = valueAndGradLoss(tree.ref(params), x.ref, y.ref);
        l = value;
        [params, state] = jaxAdam(params, g, state, lrHat, vScale);
      }
      await blockUntilReady(params);
      return (await l.data())[0]!; // data() consumes the loss
    },
    dispose() {
      tree.dispose(params);
      tree.dispose(state);
      x.dispose();
      y.dispose();
      trainStep.dispose();
    },
  };
}

/** What a PyTorch row sends its script: the arrays, float32, in the order it reads them, and its sizes. */
export interface PytorchInputs {
  arrays: Float32Array[];
  spec: Record<string, unknown>;
}

/**
 * PyTorch's row of a training case: `script` (benchmarks/python/, built on step_server.py) trains the
 * model on `inputs()` with `torch.optim.Adam` in the settings above. `how` says, for the note, what the
 * script builds. The row fails with the reason where python3-torch is missing.
 */
export function pytorchRow(script: string, how: string, inputs: () => PytorchInputs): FrameworkSetup {
  const torch = torchVersion();
  const threads = "threads" in torch ? `${torch.threads} intra-op thread${torch.threads === 1 ? "" : "s"}, torch's default here` : "torch's default intra-op threads";
  return {
    framework: pytorchRowName(),
    note:
      `Debian's python3-torch in a child process (benchmarks/python/${script}): ${how}, \`torch.optim.Adam\`, ${threads} ` +
      "(both cores made its steps many times slower on the loaded 2-core machine: benchmarks/README.md); " +
      "each step includes a pipe round trip to read the loss (tens of µs). " +
      "Its products run on OpenBLAS where `benchmarks/python/fetch-openblas.sh` has unpacked it, else on Debian's reference BLAS",
    async setup(): Promise<Runner> {
      const { arrays, spec } = inputs();
      return pytorchRunner(script, arrays, { ...spec, lr: LR, betas: [BETA1, BETA2], eps: EPS });
    },
  };
}
