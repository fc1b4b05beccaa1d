import type { Storage } from "../dtype.js";
import { describeValue, notATensor, ValueError } from "../errors.js";
import { Tensor } from "../tensor.js";
import { asEngine, hooks, reportEffect, unobserved } from "./hooks.js";

/**
 * The one way to change tensors' values in place so that tracers see it: `run` writes the storage of the
 * tensors it updates (a parameter and its optimizer state, a running statistic) and is called at once,
 * with the values of `reads`: the tensors computed in this call that the update reads (a batch's mean).
 * Everything else `run` reads, it reads through references (a parameter's `.data`, its `.grad`).
 * Under `jit`, the call is recorded as one effect of the compiled program, in order with the primitives
 * around it, and every run of the program calls `run` again, at the same point, on whatever state it
 * reads then (the parameters' current gradients, the optimizer's current step count and learning rate),
 * and with the program's values of `reads`.
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
export function updateInPlace(name: string, run: (...reads: Storage[]) => void, reads: readonly Tensor[] = []): void {
  if (typeof name !== "string" || name === "") throw new ValueError("updateInPlace", `name must be a non-empty string, got ${describeValue(name)}`);
  if (typeof run !== "function") throw new ValueError("updateInPlace", `run must be a function, got ${describeValue(run)}`);
  reads.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw notATensor("updateInPlace", `reads[${i}]`, t);
  });
  if (hooks.effect.length === 0) {
    run(...reads.map((t) => t.data));
    return;
  }
  reportEffect({ kind: "update", name, run, reads });
  unobserved(() => run(...reads.map((t) => t.data)));
}

/**
 * Runs `check`, a validation that reads values without changing what is computed (class indices in
 * range, ids within a table), with its reads allowed under `jit`'s guard. Under jit it runs when the
 * function is traced, on the traced call's values; the compiled program does not run it again, as a
 * compiled XLA program does not re-run Python checks.
 * @example
 * ```ts
 * const labels = tensor([0, 2], { dtype: "int32" });
 * valueCheck(() => labels.data.every((v) => v >= 0 && v < 3)); // true
 * ```
 */
export function valueCheck<T>(check: () => T): T {
  return asEngine(check);
}
