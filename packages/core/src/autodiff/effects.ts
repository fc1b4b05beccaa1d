import { describeValue, ValueError } from "../errors.js";
import { hooks, reportEffect, unobserved } from "./hooks.js";

/**
 * The one way to change tensors' values in place so that tracers see it: `run` writes the storage of the
 * tensors it updates (a parameter and its optimizer state, a running statistic) and is called at once.
 * Under `jit`, the call is recorded as one effect of the compiled program, in order with the primitives
 * around it, and every run of the program calls `run` again, at the same point, on whatever state it
 * reads then (the parameters' current gradients, the optimizer's current step count and learning rate).
 * Reads of values inside `run` are allowed (they are the update's own), and primitives applied inside it
 * are part of the update, not separate steps of the program.
 *
 * Assigning `.grad` (as `backward()` and `zeroGrad()` do) needs no wrapper: the engine reports it itself.
 * @example
 * ```ts
 * const w = tensor([1, 2]);
 * updateInPlace("scale", () => {
 *   const values = w.data;
 *   for (let i = 0; i < values.length; i++) values[i] *= 0.5;
 * });
 * w.toArray(); // [0.5, 1]
 * ```
 */
export function updateInPlace(name: string, run: () => void): void {
  if (typeof name !== "string" || name === "") throw new ValueError("updateInPlace", `name must be a non-empty string, got ${describeValue(name)}`);
  if (typeof run !== "function") throw new ValueError("updateInPlace", `run must be a function, got ${describeValue(run)}`);
  if (hooks.effect.length === 0) {
    run();
    return;
  }
  reportEffect({ kind: "update", name, run });
  unobserved(run);
}
