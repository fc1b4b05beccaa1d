import { rand, type Rng, type Tensor } from "@tapegrad/core";
import { checkRange, checkTensor } from "./layerSupport.js";
import { Module } from "./module.js";

/** Options of `Dropout`. */
export interface DropoutOptions {
  /** Generator for the masks; core's default generator (see `manualSeed`) otherwise. */
  rng?: Rng;
}

/**
 * In train(), zeroes each element with probability `p` and scales the others by 1/(1 − p), so the
 * expected output is the input; in eval(), the identity. As `torch.nn.Dropout`; the masks come from the
 * layer's `rng` or core's default generator, so a seeded run drops the same elements again.
 * @example
 * ```ts
 * const drop = new Dropout(0.5, { rng: new Rng(0) });
 * drop.forward(ones([4])).toArray();        // e.g. [2, 0, 2, 2]
 * drop.eval().forward(ones([4])).toArray(); // [1, 1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  readonly #rng: Rng | undefined;
  constructor(readonly p = 0.5, options: DropoutOptions = {}) {
    super();
    checkRange("Dropout", "p", p, 0, 1);
    this.#rng = options.rng;
  }
  forward(x: Tensor): Tensor {
    checkTensor("Dropout", "input", x);
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return x.mul(0);
    const draws = rand(x.shape, this.#rng === undefined ? { dtype: x.dtype } : { dtype: x.dtype, rng: this.#rng });
    // Multiplied, not divided: core turns a divisor number into a float32 reciprocal first.
    return x.mul(draws.ge(this.p).cast(x.dtype).mul(1 / (1 - this.p))); // kept with probability 1 − p
  }
}
