import { ValueError, type DType, type Rng } from "@tapegrad/core";
import { LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from "./activations.js";
import type { Init } from "./init.js";
import { Linear } from "./linear.js";
import type { Module } from "./module.js";
import { Sequential } from "./sequential.js";

/** A hidden activation by name (`mlp` also takes a function that makes a fresh activation module per layer). */
export type ActivationName = "relu" | "sigmoid" | "tanh" | "leakyRelu";

/** Options of `mlp`. */
export interface MlpOptions {
  /** Activation between layers (the lecture's g1, g2); `"relu"` by default. */
  activation?: ActivationName | (() => Module);
  /**
   * The output activation h: `"identity"` (the default: regression, or logits for the fused
   * `softmaxCrossEntropy`), `"softmax"` (class probabilities), or `"sigmoid"` (two-class probability).
   */
  output?: "identity" | "softmax" | "sigmoid";
  /** Weight initialiser of every `Linear` (PyTorch's default otherwise). */
  init?: Init;
  /** Generator for the initial values. */
  rng?: Rng;
  /** Parameter dtype; float32 by default. */
  dtype?: DType;
}

const activations: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  leakyRelu: () => new LeakyReLU(),
};

/**
 * The lecture's fully connected network in one line: `mlp([n, n1, n2, m])` is
 * Linear(n, n1) → g → Linear(n1, n2) → g → Linear(n2, m) → h. With an identity output nothing is
 * appended, so the parameter names are those of the same `nn.Sequential` in PyTorch.
 * @example
 * ```ts
 * const net = mlp([64, 32, 32, 10], { activation: "relu" });
 * net.forward(zeros([5, 64])).shape; // [5, 10]
 * ```
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  const { activation = "relu", output = "identity", init, rng, dtype } = options ?? {};
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ValueError("mlp", `needs at least an input and an output size, got ${Array.isArray(sizes) ? `[${sizes.join(",")}]` : String(sizes)}`);
  }
  const makeActivation = typeof activation === "function" ? activation : activations[activation];
  if (makeActivation === undefined) throw new ValueError("mlp", `unknown activation ${JSON.stringify(activation)}; use ${Object.keys(activations).join(", ")} or a function`);
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) layers.push(makeActivation());
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, { ...(init && { init }), ...(rng && { rng }), ...(dtype && { dtype }) }));
  }
  if (output === "softmax") layers.push(new Softmax());
  else if (output === "sigmoid") layers.push(new Sigmoid());
  else if (output !== "identity") throw new ValueError("mlp", `unknown output ${JSON.stringify(output)}; use "identity", "softmax" or "sigmoid"`);
  return new Sequential(...layers);
}
