import { ValueError } from "@tapegrad/core";

/**
 * Option checks shared by the optimizers and the schedules. Each throws core's
 * `ValueError` naming the owner, the option and the value, so that `new Adam(ps, { lr: -1 })` says
 * `Adam: option lr must be >= 0 (got -1)` rather than diverging quietly a thousand steps later.
 */

function fail(owner: string, option: string, rule: string, value: unknown): never {
  throw new ValueError(owner, `option ${option} must be ${rule} (got ${String(value)})`);
}

/** A finite number >= 0 (learning rates, weight decay, momentum). */
export function nonNegative(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) fail(owner, option, ">= 0", value);
  return value;
}

/**
 * eps, at least 2^-126 (float32's smallest normal number). eps is the only bound on a step whose
 * second-moment statistic is 0 (AdaBelief's belief under a repeated gradient, centered RMSprop's
 * variance, a gradient whose square underflows): the step is then about lr · g / √eps or lr · g / eps.
 * A subnormal eps such as 5e-324 bounds nothing, and one step from finite weights overflows to Infinity.
 */
export function epsilon(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 2 ** -126) fail(owner, option, ">= 2^-126", value);
  return value;
}

/** A decay rate in [0, 1) (betas, alpha): 1 would freeze the average at its zero start. */
export function decayRate(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value >= 1) fail(owner, option, "in [0, 1)", value);
  return value;
}

/** A number in [0, 1] (dampening, AdaDelta's rho, which torch lets reach 1). */
export function unitInterval(owner: string, option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) fail(owner, option, "in [0, 1]", value);
  return value;
}

/** An integer >= 1 (batch sizes, step counts). */
export function positiveInteger(owner: string, option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) fail(owner, option, "an integer >= 1", value);
  return value;
}

/** A pair of decay rates, each in [0, 1). */
export function betaPair(owner: string, option: string, value: readonly [number, number]): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) fail(owner, option, "a pair [beta1, beta2]", JSON.stringify(value));
  return [decayRate(owner, `${option}[0]`, value[0]), decayRate(owner, `${option}[1]`, value[1])];
}

/** A boolean switch (nesterov, centered, amsgrad, decoupled): any other value would be read by its truthiness. */
export function flag(owner: string, option: string, value: boolean): boolean {
  if (typeof value !== "boolean") fail(owner, option, "true or false", typeof value === "function" ? String(value) : JSON.stringify(value) ?? String(value));
  return value;
}
