/**
 * small-ops: the per-op overhead of a scalar, micrograd-style graph. A step builds a chain of 1000 links
 * x ← tanh(x·wᵢ + bᵢ) from x₀ = 0.5 with scalar parameters wᵢ, bᵢ (3000 ops: a mul, an add and a tanh
 * per link), differentiates x₁₀₀₀ with respect to all 2000 parameters, and reads back x₁₀₀₀ + Σ gradients
 * (the number the check compares). µs per op, forward + backward = median ms per step ÷ 3.
 */
import { jit as tapegradJit, Rng, tensor, type Tensor } from "@tapegrad/core";
import { jit, numpy as np, valueAndGrad } from "@jax-js/jax";
import type { BenchCase, FrameworkSetup, Runner } from "../types.js";
import { tf, tfjsVersion, useTfjsBackend, type TfjsBackend } from "../frameworks/tfjs.js";
import { initJax, jaxVersion } from "../frameworks/jax.js";

const LINKS = 1000;
const X0 = 0.5;

/** The chain's parameters, the same in every framework: w in [0.5, 1.5), b in [-0.05, 0.05). */
function parameters(): { w: number[]; b: number[] } {
  const rng = new Rng(42);
  return { w: Array.from({ length: LINKS }, () => 0.5 + rng.uniform()), b: Array.from({ length: LINKS }, () => 0.1 * (rng.uniform() - 0.5)) };
}

function tapegrad(): FrameworkSetup {
  return {
    framework: "tapegrad",
    note: "scalar tensors with `requiresGrad`, `x.mul(w).add(b).tanh()` per link, `backward()`, gradients read from `.grad`",
    async setup(): Promise<Runner> {
      const p = parameters();
      const ws = p.w.map((v) => tensor(v, { requiresGrad: true }));
      const bs = p.b.map((v) => tensor(v, { requiresGrad: true }));
      const x0 = tensor(X0);
      return {
        async step() {
          let x: Tensor = x0;
          for (let i = 0; i < LINKS; i++) x = x.mul(ws[i]!).add(bs[i]!).tanh();
          x.backward();
          let total = x.item();
          for (const t of [...ws, ...bs]) {
            total += t.grad!.item();
            t.zeroGrad();
          }
          return total;
        },
        dispose() {},
      };
    },
  };
}

function tfjs(backend: TfjsBackend): FrameworkSetup {
  return {
    framework: `tfjs ${tfjsVersion} (${backend})`,
    note: "scalar `tf.variable`s, `tf.variableGrads` of the chain, gradients summed with `tf.addN` and read back once",
    async setup(): Promise<Runner> {
      await useTfjsBackend(backend);
      const p = parameters();
      const ws = p.w.map((v) => tf.variable(tf.scalar(v)));
      const bs = p.b.map((v) => tf.variable(tf.scalar(v)));
      return {
        async step() {
          const { value, grads } = tf.variableGrads(() => {
            let x: tf.Tensor = tf.scalar(X0);
            for (let i = 0; i < LINKS; i++) x = tf.tanh(tf.add(tf.mul(x, ws[i]!), bs[i]!));
            return x as tf.Scalar;
          }, [...ws, ...bs]);
          const sum = tf.addN(Object.values(grads));
          const total = (await value.data())[0]! + (await sum.data())[0]!;
          tf.dispose([value, sum, ...Object.values(grads)]);
          return total;
        },
        activate: () => useTfjsBackend(backend),
        dispose: () => tf.dispose([...ws, ...bs]),
        liveObjects: () => tf.memory().numTensors,
      };
    },
  };
}

type JaxChain = { w: np.Array[]; b: np.Array[] };

/** x₁₀₀₀ of the chain; consumes `p` (each parameter is used once). */
function jaxChain(p: JaxChain): np.Array {
  let x = np.array(Float32Array.of(X0)).reshape([]);
  for (let i = 0; i < LINKS; i++) x = np.tanh(x.mul(p.w[i]!).add(p.b[i]!));
  return x;
}

/** x₁₀₀₀ and Σ gradients, as two arrays; consumes `p`. */
function jaxValueAndGradSum(p: JaxChain): [np.Array, np.Array] {
  const [value, g] = valueAndGrad(jaxChain)(p);
  return [value, np.stack([...g.w, ...g.b]).sum()];
}

function jaxjs(mode: "eager" | "jit"): FrameworkSetup {
  return {
    framework: `jax-js ${jaxVersion} (wasm, ${mode})`,
    note:
      mode === "jit"
        ? "`jit` of valueAndGrad of the chain (and the gradient sum); the cold first step is the trace and compile"
        : "eager `valueAndGrad` of the chain, gradients stacked and summed",
    async setup(): Promise<Runner> {
      await initJax();
      const p = parameters();
      const params: JaxChain = {
        w: p.w.map((v) => np.array(Float32Array.of(v)).reshape([])),
        b: p.b.map((v) => np.array(Float32Array.of(v)).reshape([])),
      };
      const run = mode === "jit" ? jit(jaxValueAndGradSum) : jaxValueAndGradSum;
      const refs = (): JaxChain => ({ w: params.w.map((a) => a.ref), b: params.b.map((a) => a.ref) });
      return {
        async step() {
          const [value, sum] = run(refs());
          return (await value.data())[0]! + (await sum.data())[0]!;
        },
        dispose() {
          for (const a of [...params.w, ...params.b]) a.dispose();
        },
      };
    },
  };
}

const description =
  "A scalar chain of 1000 links x ← tanh(x·wᵢ + bᵢ) (3000 ops), forward and backward to all 2000 parameters, " +
  "x and Σ gradients read back; µs per op (forward + backward) = median ms ÷ 3";

/**
 * tapegrad under its `jit`: the chain, its backward pass and the zeroing of the gradients are one traced
 * program (3000 forward kernels, their VJPs and 8000 `.grad` effects); x and the gradients are read back
 * outside it, as in the eager row. The cold first step is the trace and compile.
 */
function tapegradJitted(): FrameworkSetup {
  return {
    framework: "tapegrad (jit)",
    note: "the same chain and backward() under tapegrad's `jit` (zeroGrad inside the program, values read outside); the cold first step is the trace and compile",
    async setup(): Promise<Runner> {
      const p = parameters();
      const ws = p.w.map((v) => tensor(v, { requiresGrad: true }));
      const bs = p.b.map((v) => tensor(v, { requiresGrad: true }));
      const params = [...ws, ...bs];
      const x0 = tensor(X0);
      const chain = tapegradJit(() => {
        for (const t of params) t.zeroGrad();
        let x: Tensor = x0;
        for (let i = 0; i < LINKS; i++) x = x.mul(ws[i]!).add(bs[i]!).tanh();
        x.backward();
        return x;
      });
      return {
        async step() {
          let total = chain().item();
          for (const t of params) total += t.grad!.item();
          return total;
        },
        dispose() {},
      };
    },
  };
}

export const smallOps: BenchCase = {
  name: "small-ops",
  description,
  rtol: 1e-4,
  checkSteps: 2,
  frameworks: [tapegrad(), tapegradJitted(), tfjs("cpu"), tfjs("wasm")],
};

/**
 * jax-js on the same chain, in a case of its own: its tracing recurses once per op, and at 1000 links it
 * runs out of JavaScript stack in some runs and not others. The harness fails a whole table when one
 * framework throws while timing, so this keeps that from taking the other frameworks' rows with it.
 * Only `jit` is timed: eager jax-js 0.1.25 keeps memory from every step of this 3000-op graph, and the
 * timing loop ran the process out of its 4 GB heap (see also train-step-mlp's note on eager's growth).
 */
export const smallOpsJax: BenchCase = {
  name: "small-ops-jax",
  description: `${description} (jax-js under jit; it may overflow the stack at this depth)`,
  rtol: 1e-4,
  checkSteps: 2,
  frameworks: [tapegrad(), jaxjs("jit")],
};
