import { tensor, type Tensor } from "@tapegrad/core";
import type { BaseOptions, Optimizer, Params } from "../src/index.js";

/** A constructor of an optimizer class, as the single-step tests take them. */
export type OptimizerClass<O extends BaseOptions> = new (params: Params<O>, options?: Partial<O>) => Optimizer<O>;

/**
 * Runs an optimizer on one float64 parameter starting at `start`, feeding it the given gradients one
 * step at a time (set directly, so a test states the gradient it means), and returns the parameter's
 * values after each step.
 */
export function stepsWith<O extends BaseOptions>(
  Opt: OptimizerClass<O>,
  options: Partial<O>,
  start: readonly number[],
  grads: readonly (readonly number[])[],
): number[][] {
  const p: Tensor = tensor([...start], { dtype: "float64", requiresGrad: true });
  const opt = new Opt([p], options);
  return grads.map((g) => {
    p.grad = tensor([...g], { dtype: "float64" });
    opt.step();
    return Array.from(p.data);
  });
}
