import { ValueError, type Tensor } from "@tapegrad/core";
import { Module } from "./module.js";

/**
 * Layers applied one after another. Its children are named `"0"`, `"1"`, … so parameter names match
 * PyTorch's `nn.Sequential` (`"0.weight"`, `"2.bias"`).
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 16), new ReLU(), new Linear(16, 1));
 * model.forward(zeros([8, 2])).shape; // [8, 1]
 * Object.keys(model.stateDict());     // ["0.weight", "0.bias", "2.weight", "2.bias"]
 * ```
 */
export class Sequential extends Module {
  readonly #layers: readonly Module[];

  constructor(...layers: Module[]) {
    super();
    const bad = layers.findIndex((m) => !(m instanceof Module));
    if (bad >= 0) throw new ValueError("Sequential", `layer ${bad} must be a Module (got ${String(layers[bad])})`);
    this.#layers = layers;
  }

  /** The layers, in order. */
  get layers(): readonly Module[] {
    return this.#layers;
  }

  override children(): [string, Module][] {
    return this.#layers.map((m, i) => [String(i), m]);
  }

  forward(x: Tensor): Tensor {
    return this.#layers.reduce((h, layer) => layer.forward(h), x);
  }
}
