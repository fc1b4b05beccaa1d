import type { Tensor } from "@tapegrad/core";
import { ValueError } from "@tapegrad/core";
import { AdaBelief } from "./adabelief.js";
import { AdaDelta } from "./adadelta.js";
import { Adam, AdamW } from "./adam.js";
import { RMSprop } from "./rmsprop.js";
import { SGD } from "./sgd.js";

/**
 * Every optimizer by its lower-case name, for programs that choose one from a flag, a URL or a form
 * (the demo and the playground do).
 */
export const optimizerClasses = { sgd: SGD, rmsprop: RMSprop, adadelta: AdaDelta, adam: Adam, adamw: AdamW, adabelief: AdaBelief } as const;

/** The name of an optimizer: `"sgd"`, `"rmsprop"`, `"adadelta"`, `"adam"`, `"adamw"` or `"adabelief"`. */
export type OptimizerName = keyof typeof optimizerClasses;

/** The options an optimizer of that name takes (each is optional; the rest keep torch's defaults). */
export type OptimizerOptionsOf<N extends OptimizerName> = ConstructorParameters<(typeof optimizerClasses)[N]>[1];

/**
 * Makes the optimizer a name stands for, over `params`, with `options` over its defaults.
 * @example
 * ```ts
 * const opt = createOptimizer("sgd", model.parameters(), { lr: 0.05, momentum: 0.9 });
 * ```
 */
export function createOptimizer<N extends OptimizerName>(name: N, params: Tensor[], options?: OptimizerOptionsOf<N>): InstanceType<(typeof optimizerClasses)[N]> {
  const Class = optimizerClasses[name] as unknown as (new (params: Tensor[], options?: unknown) => InstanceType<(typeof optimizerClasses)[N]>) | undefined;
  if (!Object.hasOwn(optimizerClasses, name) || Class === undefined) {
    throw new ValueError("createOptimizer", `unknown optimizer ${JSON.stringify(name)}; one of ${Object.keys(optimizerClasses).join(", ")}`);
  }
  return new Class(params, options);
}
