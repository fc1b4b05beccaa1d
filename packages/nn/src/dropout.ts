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
    return this.training ? dropout(x, this.p, this.#rng) : x;
  }
}

/**
 * Zeroes each element of `x` with probability `p` and scales the others by 1/(1 − p), drawing from `rng`
 * or core's default generator: the train()-mode computation of `Dropout`, also used on attention weights.
 * @internal
 */
export function dropout(x: Tensor, p: number, rng: Rng | undefined): Tensor {
  if (p === 0) return x;
  if (p === 1) return x.mul(0);
  const draws = rand(x.shape, rng === undefined ? { dtype: x.dtype } : { dtype: x.dtype, rng });
  // Multiplied, not divided: core turns a divisor number into a float32 reciprocal first.
  return x.mul(draws.ge(p).cast(x.dtype).mul(1 / (1 - p))); // kept with probability 1 − p
}
