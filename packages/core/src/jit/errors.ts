import { ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import type { TraceSource } from "../trace/graph.js";

/**
 * Thrown when a function being traced by `jit` reads the values of a traced tensor (`item()`,
 * `toArray()`, `.data`, printing it, branching on it): the program is traced once and then runs without
 * calling the function again, so a value read at tracing time would be frozen into every later call, as
 * JAX's `ConcretizationTypeError` explains.
 * @example
 * ```ts
 * const f = jit((x: Tensor) => (x.sum().item() > 0 ? x : x.neg()));
 * f(tensor([1, 2])); // throws ConcretizationError
 * ```
 */
export class ConcretizationError extends ValueError {
  constructor(t: Tensor, source: TraceSource) {
    const what = source.kind === "input" ? `argument ${source.index}` : source.kind === "effect" ? "a gradient or random draw" : "a value computed from its arguments";
    super(
      "jit",
      `f read the values of a traced ${t} (${what}) with item(), toArray(), .data or by printing it. ` +
        `jit traces f once and then runs the recorded program without calling f, so a value read while tracing would be frozen into every call. ` +
        `Return the tensor from f and read it outside, compute with tensor ops instead of JavaScript numbers ` +
        `(where(cond, a, b) in place of if/else, clamp in place of Math.min), or call the function without jit.`,
    );
  }
}
